import { TC3_ALGORITHM } from '#emulator/auth/tc3-signature.ts';

/** The parts of `TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=a;b, Signature=hex`. */
export interface Tc3Authorization {
  readonly secretId: string;
  readonly date: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

export type AuthorizationParse =
  | { readonly ok: true; readonly value: Tc3Authorization }
  | { readonly ok: false; readonly reason: string };

const fail = (reason: string): AuthorizationParse => ({ ok: false, reason });

/** Parses the Authorization header; any deviation from the TC3 shape is reported with the reason. */
export const parseAuthorization = (header: string | undefined): AuthorizationParse => {
  if (!header) return fail('the Authorization header is missing');
  const space = header.indexOf(' ');
  const algorithm = space === -1 ? header : header.slice(0, space);
  if (algorithm !== TC3_ALGORITHM) return fail(`the algorithm must be ${TC3_ALGORITHM}`);
  const fields = new Map<string, string>();
  for (const part of header.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) return fail(`"${part.trim()}" is not a key=value pair`);
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature) {
    return fail('Credential, SignedHeaders and Signature are all required');
  }
  const scope = credential.split('/');
  const [secretId, date, service, terminator] = scope;
  if (scope.length !== 4 || !secretId || !date || !service || terminator !== 'tc3_request') {
    return fail('Credential must be SecretId/YYYY-MM-DD/service/tc3_request');
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return fail('the credential date must be YYYY-MM-DD');
  if (!/^[0-9a-f]{64}$/.test(signature)) return fail('Signature must be 64 lowercase hex characters');
  const names = signedHeaders.split(';');
  if (names.some((name) => !/^[a-z0-9-]+$/.test(name))) {
    return fail('SignedHeaders must be lowercase header names separated by ";"');
  }
  if (!names.includes('content-type') || !names.includes('host')) {
    return fail('SignedHeaders must include content-type and host');
  }
  return { ok: true, value: { secretId, date, service, signedHeaders: names, signature } };
};
