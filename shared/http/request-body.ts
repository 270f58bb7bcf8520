import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { badRequest, payloadTooLarge, unsupportedMediaType } from '#shared/http/http-error.ts';

/** The exact bytes received (signatures are computed over these), bounded by `limitBytes`. */
export const readRawBody = (event: APIGatewayProxyEventV2, limitBytes: number): Buffer => {
  const body = event.body ?? '';
  if (body.length > limitBytes * (event.isBase64Encoded ? 1.4 : 4)) throw payloadTooLarge(limitBytes);
  const bytes = Buffer.from(body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.length > limitBytes) throw payloadTooLarge(limitBytes);
  return bytes;
};

export const header = (event: APIGatewayProxyEventV2, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
};

/** Parses a JSON body: Content-Type must be JSON, bytes must be UTF-8 JSON; errors name the problem. */
export const parseJsonBody = (event: APIGatewayProxyEventV2, limitBytes: number): unknown => {
  const contentType = header(event, 'content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType))
    throw unsupportedMediaType('application/json');
  const bytes = readRawBody(event, limitBytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badRequest('Request body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`Request body is not valid JSON: ${(error as Error).message}`);
  }
};
