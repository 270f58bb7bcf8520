import type { IncomingMessage } from 'node:http';

/** Bodies above this are refused (`RequestSizeLimitExceeded`) but still drained, so the client reads the answer. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Past this the connection is cut: nobody sends 16 MB to this API by mistake. */
const HARD_CUT_BYTES = 16 * MAX_BODY_BYTES;

export type BodyReadResult =
  | { readonly kind: 'ok'; readonly bytes: Buffer }
  | { readonly kind: 'too-large'; readonly receivedBytes: number }
  | { readonly kind: 'aborted' };

/** Reads the raw request bytes (the signature covers exactly these), never more than the limit into memory. */
export const readBody = (req: IncomingMessage): Promise<BodyReadResult> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (result: BodyReadResult): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= MAX_BODY_BYTES) chunks.push(chunk);
      else if (received > HARD_CUT_BYTES) {
        req.destroy();
        settle({ kind: 'aborted' });
      }
    });
    req.on('end', () =>
      settle(
        received > MAX_BODY_BYTES
          ? { kind: 'too-large', receivedBytes: received }
          : { kind: 'ok', bytes: Buffer.concat(chunks) },
      ),
    );
    req.on('error', () => settle({ kind: 'aborted' }));
    req.on('close', () => settle({ kind: 'aborted' }));
  });
