/**
 * What a request asks for: a replica created, or one removed. Its own module (no schema) so the
 * workers can tell kinds apart without loading the API's request schemas.
 */
export type RequestKind = 'create' | 'removal';

/** A record's kind: absent on records from before removals, which are all creates. */
export const kindOf = (record: { readonly kind?: RequestKind | undefined }): RequestKind =>
  record.kind ?? 'create';
