import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { MessageMoveTasks } from '#sqs-server/message-move-tasks.ts';
import { serverLog } from '#sqs-server/server-log.ts';
import { type ActionServices, runAction } from '#sqs-server/sqs-actions.ts';
import { SqsEngine } from '#sqs-server/sqs-engine.ts';
import {
  internalError,
  invalidAction,
  missingAuthenticationToken,
  requestEntityTooLarge,
  SqsServiceError,
  serializationException,
  unsupportedOperation,
} from '#sqs-server/sqs-service-error.ts';
import { StateJournal } from '#sqs-server/state-journal.ts';

export interface SqsServerOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  readonly host?: string;
  /** Folder for the snapshot and journal; without it, state lives in memory only. */
  readonly dataDir?: string;
  /** Region in queue ARNs; default `ap-southeast-1`. */
  readonly region?: string;
  /** Clock for queue semantics (visibility, delays, retention), epoch ms; default `Date.now`. */
  readonly now?: () => number;
  /** With `dataDir`: journal lines after which the state is compacted into a snapshot; default 10 000. */
  readonly compactAfterEntries?: number;
}

export interface RunningSqsServer {
  /** `http://host:port`: the endpoint for `AWS_ENDPOINT_URL_SQS` or an SQSClient's `endpoint`. */
  readonly url: string;
  readonly port: number;
  /** Ends long polls, stops move tasks, closes connections and the journal. */
  close(): Promise<void>;
}

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AmazonSQS.';
/** 1 MiB of batch payload, base64 and JSON overhead included, with room to spare. */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/**
 * An SQS-compatible HTTP server speaking the JSON protocol of `@aws-sdk/client-sqs` (and of the
 * AWS CLI v2), so that the production SQS adapter runs unchanged locally. Signatures are not
 * verified, but requests must carry an `Authorization` header.
 */
export const startSqsServer = async (options: SqsServerOptions = {}): Promise<RunningSqsServer> => {
  const host = options.host ?? '127.0.0.1';
  const stored =
    options.dataDir === undefined
      ? undefined
      : await StateJournal.open(options.dataDir, {
          ...(options.compactAfterEntries !== undefined && {
            compactAfterEntries: options.compactAfterEntries,
          }),
        });
  let baseUrl = '';
  const engine = new SqsEngine({
    region: options.region ?? 'ap-southeast-1',
    baseUrl: () => baseUrl,
    now: options.now ?? Date.now,
    ...(stored && { states: stored.states, journal: stored.journal }),
  });
  const services: ActionServices = { engine, moveTasks: new MessageMoveTasks(engine) };
  const closing = new AbortController();

  const server = http.createServer((request, response) => {
    void handleRequest(services, request, response, closing.signal);
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await stored?.journal.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${urlHost(host)}:${port}`;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing.abort();
      engine.close();
      services.moveTasks.close();
      await nextTurn(); // let aborted long polls write their (empty) answers
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 100).unref();
      });
      await stored?.journal.close();
    })();
    return closed;
  };
  return { url: baseUrl, port, close };
};

const urlHost = (host: string): string => {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
};

const handleRequest = async (
  services: ActionServices,
  request: http.IncomingMessage,
  response: http.ServerResponse,
  closing: AbortSignal,
): Promise<void> => {
  const requestId = randomUUID();
  const hangUp = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) hangUp.abort();
  });
  try {
    const output = await dispatch(services, request, AbortSignal.any([closing, hangUp.signal]));
    // Acknowledge only what is on disk: a crash after this answer loses none of it.
    await services.engine.durable();
    writeJson(response, 200, output, { 'x-amzn-requestid': requestId });
  } catch (error) {
    if (response.destroyed) return; // the client hung up: nobody to answer
    // A refused request may still have changed something (an expired message dropped): same rule.
    await services.engine.durable().catch(() => undefined);
    const answer = error instanceof SqsServiceError ? error : unexpected(error);
    const headers: Record<string, string> = { 'x-amzn-requestid': requestId };
    if (answer.queryCode) headers['x-amzn-query-error'] = `${answer.queryCode};${answer.fault}`;
    if (answer.statusCode === 413) headers.connection = 'close';
    writeJson(
      response,
      answer.statusCode,
      { __type: `${answer.namespace}#${answer.errorType}`, message: answer.message },
      headers,
    );
  }
};

const unexpected = (error: unknown): SqsServiceError => {
  serverLog.error('Local SQS server failed a request', { error });
  return internalError();
};

const dispatch = async (
  services: ActionServices,
  request: http.IncomingMessage,
  signal: AbortSignal,
): Promise<object> => {
  if (request.method !== 'POST') {
    request.resume();
    throw unsupportedOperation('Only POST requests of the SQS JSON protocol are supported.');
  }
  const authorization = request.headers.authorization;
  if (!authorization) {
    request.resume();
    throw missingAuthenticationToken();
  }
  const contentType = request.headers['content-type'] ?? '';
  if (!contentType.toLowerCase().startsWith(JSON_CONTENT_TYPE)) {
    request.resume();
    throw unsupportedOperation(
      `Only the SQS JSON protocol (Content-Type: ${JSON_CONTENT_TYPE}) is supported; got "${contentType.slice(0, 80)}".`,
    );
  }
  const target = headerValue(request.headers['x-amz-target']);
  if (!target.startsWith(TARGET_PREFIX)) {
    request.resume();
    throw invalidAction(target || '(missing X-Amz-Target header)');
  }
  const text = await readBody(request);
  let body: unknown;
  try {
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw serializationException('The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw serializationException('The request body must be a JSON object.');
  }
  return runAction(services, target.slice(TARGET_PREFIX.length), body, {
    senderId: senderIdOf(authorization),
    signal,
  });
};

const headerValue = (value: string | string[] | undefined): string =>
  (Array.isArray(value) ? value[0] : value) ?? '';

/** The access key id of a SigV4 `Authorization` header, reported as `SenderId`. */
const senderIdOf = (authorization: string): string =>
  /Credential=([A-Za-z0-9_+=,.@-]{1,128})\//.exec(authorization)?.[1] ?? 'AIDALOCALSENDER';

const readBody = (request: http.IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () =>
      tooLarge
        ? reject(requestEntityTooLarge(MAX_REQUEST_BYTES))
        : resolve(Buffer.concat(chunks).toString('utf8')),
    );
    request.on('error', reject);
  });

const writeJson = (
  response: http.ServerResponse,
  statusCode: number,
  body: object,
  headers: Record<string, string>,
): void => {
  if (response.destroyed || response.headersSent) return;
  const payload = JSON.stringify(body);
  response.writeHead(statusCode, {
    ...headers,
    'content-type': JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
};
