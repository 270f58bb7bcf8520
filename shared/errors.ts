/**
 * One error family for the whole project. Decisions (retry, drop, reject) are made on
 * `instanceof` or `code`, never on message text. `cause` is always kept.
 */
export class ReplicaFlowError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Input that breaks a schema or a rule; `issues` name the field and the rule. */
export class ValidationError extends ReplicaFlowError {
  readonly issues: readonly FieldIssue[];

  constructor(message: string, issues: readonly FieldIssue[], options?: { cause?: unknown }) {
    super('VALIDATION_FAILED', message, options);
    this.issues = issues;
  }
}

export interface FieldIssue {
  /** Dotted path of the field, e.g. `Storage` or `requester.source`; `(root)` for the whole value. */
  readonly field: string;
  readonly message: string;
}

/** Same idempotency key, different payload. */
export class IdempotencyConflictError extends ReplicaFlowError {
  constructor(
    readonly idempotencyKey: string,
    readonly existingRequestId: string,
  ) {
    super(
      'IDEMPOTENCY_KEY_REUSED',
      `Idempotency key "${idempotencyKey}" was already used for request ${existingRequestId} with a different payload`,
    );
  }
}

/** A conditional write lost: the record changed under us (another delivery or poller acted first). */
export class ConcurrentUpdateError extends ReplicaFlowError {
  constructor(
    readonly requestId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('CONCURRENT_UPDATE', message, options);
  }
}

/** A state change the state machine does not allow. */
export class IllegalTransitionError extends ReplicaFlowError {
  constructor(
    readonly from: string,
    readonly to: string,
    /** The actor that tried; absent when only the change itself was checked. */
    readonly actor?: string,
  ) {
    super(
      'ILLEGAL_TRANSITION',
      actor === undefined
        ? `A request cannot move from ${from} to ${to}`
        : `A request cannot move from ${from} to ${to} by ${actor}: no such row in request-transitions.ts`,
    );
  }
}

export class NotFoundError extends ReplicaFlowError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

/** Configuration missing or invalid at start: fail fast. */
export class ConfigError extends ReplicaFlowError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG_INVALID', message, options);
  }
}
