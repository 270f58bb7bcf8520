import type { ServerResponse } from 'node:http';
import type { ApiError } from '#emulator/protocol/api-error.ts';

/** The body of every API answer: `{"Response": {..., "RequestId"}}`. */
export type ResponseBody = Record<string, unknown>;

export const successEnvelope = (requestId: string, body: ResponseBody): string =>
  JSON.stringify({ Response: { ...body, RequestId: requestId } });

export const errorEnvelope = (requestId: string, error: ApiError): string =>
  JSON.stringify({ Response: { Error: { Code: error.code, Message: error.message }, RequestId: requestId } });

/** Writes an API answer: always HTTP 200, JSON, with the trace id the SDK copies into errors. */
export const writeApiAnswer = (res: ServerResponse, traceId: string, json: string): void => {
  if (res.writableEnded || res.destroyed) return;
  const bytes = Buffer.from(json, 'utf8');
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': bytes.length,
    'X-TC-TraceId': traceId,
  });
  res.end(bytes);
};

/** A gateway failure (502/504): not a Tencent envelope; the SDK reports `httpCode` and the status text. */
export const writeGatewayFailure = (res: ServerResponse, traceId: string, status: 502 | 504): void => {
  if (res.writableEnded || res.destroyed) return;
  const text =
    status === 502
      ? '<html><body>502 Bad Gateway</body></html>'
      : '<html><body>504 Gateway Time-out</body></html>';
  res.writeHead(status, {
    'Content-Type': 'text/html',
    'Content-Length': Buffer.byteLength(text),
    'X-TC-TraceId': traceId,
  });
  res.end(text);
};
