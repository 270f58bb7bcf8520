/**
 * The server's one error family. Callers decide on `instanceof` or `code`, never on message text;
 * `cause` is always kept.
 */
export class SqsServerError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The server cannot start: a bad option, or a data folder it cannot lock or read. */
export class SqsServerConfigError extends SqsServerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SQS_SERVER_CONFIG_INVALID', message, options);
  }
}
