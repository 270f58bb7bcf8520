/** What a receipt handle stands for: one delivery of one message of one queue. */
export interface ReceiptHandleParts {
  readonly queue: string;
  readonly messageId: string;
  readonly nonce: string;
}

const SEPARATOR = '\n';

export const encodeReceiptHandle = (parts: ReceiptHandleParts): string =>
  Buffer.from([parts.queue, parts.messageId, parts.nonce].join(SEPARATOR), 'utf8').toString('base64url');

/** `undefined` when the string is not a handle this server issued. */
export const decodeReceiptHandle = (handle: string): ReceiptHandleParts | undefined => {
  if (handle.length === 0 || handle.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(handle)) return undefined;
  const [queue, messageId, nonce, ...rest] = Buffer.from(handle, 'base64url')
    .toString('utf8')
    .split(SEPARATOR);
  if (!queue || !messageId || !nonce || rest.length > 0) return undefined;
  return { queue, messageId, nonce };
};
