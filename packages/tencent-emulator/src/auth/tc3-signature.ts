import { createHash, createHmac } from 'node:crypto';

export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** `YYYY-MM-DD` of a Unix timestamp, in UTC (the credential-scope date). */
export const utcDate = (timestampSeconds: number): string =>
  new Date(timestampSeconds * 1000).toISOString().slice(0, 10);

export interface Tc3Input {
  readonly method: string;
  /** Path as received (`/`). */
  readonly canonicalUri: string;
  /** Query string as received, without `?` (empty for POST). */
  readonly canonicalQueryString: string;
  /** Already canonical: `name:value\n` per signed header, in SignedHeaders order. */
  readonly canonicalHeaders: string;
  readonly signedHeaders: string;
  readonly payload: Buffer;
  readonly timestamp: number;
  readonly service: string;
  readonly secretKey: string;
}

/** The TC3-HMAC-SHA256 signature (lowercase hex), step by step as in Tencent's Signature v3 page. */
export const tc3Signature = (input: Tc3Input): string => {
  const canonicalRequest = [
    input.method,
    input.canonicalUri,
    input.canonicalQueryString,
    input.canonicalHeaders,
    input.signedHeaders,
    sha256Hex(input.payload),
  ].join('\n');
  const date = utcDate(input.timestamp);
  const stringToSign = [
    TC3_ALGORITHM,
    String(input.timestamp),
    `${date}/${input.service}/tc3_request`,
    sha256Hex(canonicalRequest),
  ].join('\n');
  const kDate = hmac(`TC3${input.secretKey}`, date);
  const kService = hmac(kDate, input.service);
  const kSigning = hmac(kService, 'tc3_request');
  return createHmac('sha256', kSigning).update(stringToSign).digest('hex');
};
