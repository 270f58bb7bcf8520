import { createHash } from 'node:crypto';
import type { MessageAttributeMap } from '#sqs-server/stored-state.ts';

export const md5Hex = (body: string): string => createHash('md5').update(body, 'utf8').digest('hex');

const TRANSPORT_STRING = 1;
const TRANSPORT_BINARY = 2;

const lengthPrefixed = (bytes: Buffer): Buffer => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
};

/**
 * `MD5OfMessageAttributes` as SQS computes it: attributes sorted by name, each encoded as
 * length-prefixed name, length-prefixed data type, one transport byte (1 string, 2 binary) and the
 * length-prefixed value; the MD5 of the concatenation, in hex.
 */
export const md5OfMessageAttributes = (attributes: MessageAttributeMap): string => {
  const hash = createHash('md5');
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name];
    if (value === undefined) continue;
    hash.update(lengthPrefixed(Buffer.from(name, 'utf8')));
    hash.update(lengthPrefixed(Buffer.from(value.DataType, 'utf8')));
    if (value.BinaryValue !== undefined) {
      hash.update(Buffer.from([TRANSPORT_BINARY]));
      hash.update(lengthPrefixed(Buffer.from(value.BinaryValue, 'base64')));
    } else {
      hash.update(Buffer.from([TRANSPORT_STRING]));
      hash.update(lengthPrefixed(Buffer.from(value.StringValue ?? '', 'utf8')));
    }
  }
  return hash.digest('hex');
};
