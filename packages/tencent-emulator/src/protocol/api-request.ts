import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { ACTIONS } from '#emulator/actions/registry.ts';
import { verifyRequest } from '#emulator/auth/verify-request.ts';
import type { Emulator } from '#emulator/emulator.ts';
import type { FaultDecision } from '#emulator/faults/fault-injector.ts';
import { describeTarget, INSTANCE_MUTATIONS, namedInstanceIds } from '#emulator/mutation-journal.ts';
import { parseActionParams } from '#emulator/protocol/action-params.ts';
import { ApiError, apiErrors } from '#emulator/protocol/api-error.ts';
import { errorEnvelope, successEnvelope } from '#emulator/protocol/envelope.ts';
import { API_VERSION, REAL_POSTGRES_ACTIONS, SERVICE } from '#emulator/protocol/known-actions.ts';
import { REGION_SHAPE, SUPPORTED_REGIONS } from '#emulator/protocol/regions.ts';
import { MAX_BODY_BYTES, readBody } from '#emulator/protocol/request-body.ts';
import type { ProvisioningOutcome } from '#emulator/state/records.ts';

/** Emulator extension: `X-Emulator-Verify: 1` runs every check of a create and creates nothing. */
export const VERIFY_HEADER = 'x-emulator-verify';

/** What to send back for one API call. */
export type ApiReply =
  | { readonly kind: 'answer'; readonly json: string; readonly outcome: string; readonly delayMs?: number }
  | { readonly kind: 'gateway'; readonly status: 502 | 504; readonly outcome: string }
  | { readonly kind: 'lost'; readonly outcome: 'LostResponse' }
  | { readonly kind: 'none'; readonly outcome: 'ClientAborted' };

export interface ProcessedCall {
  /** The X-TC-Action sent (`(none)` if absent), for the call log. */
  readonly action: string;
  readonly traceId: string;
  readonly reply: ApiReply;
}

const header = (headers: IncomingHttpHeaders, name: string): string => {
  const value = headers[name];
  return (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim();
};

/** The caller's trace id when it is sane (the SDK sends a uuid), else a fresh one. */
const traceIdOf = (headers: IncomingHttpHeaders): string => {
  const sent = header(headers, 'x-tc-traceid');
  return /^[\w.:-]{1,128}$/.test(sent) ? sent : randomUUID();
};

const answerError = (requestId: string, error: ApiError): ApiReply => ({
  kind: 'answer',
  json: errorEnvelope(requestId, error),
  outcome: error.code,
});

const checkRegion = (region: string, action: string): void => {
  if (region === '') throw apiErrors.missingParameter('Region');
  if (!REGION_SHAPE.test(region)) {
    throw new ApiError(
      'InvalidParameterValue.IllegalRegion',
      `The Region parameter value \`${region}\` is not a valid region.`,
    );
  }
  if (!SUPPORTED_REGIONS.has(region)) {
    throw new ApiError(
      'UnsupportedRegion',
      `The action \`${action}\` does not support the region \`${region}\`.`,
    );
  }
};

const parseJsonBody = (headers: IncomingHttpHeaders, body: Buffer): unknown => {
  const contentType = header(headers, 'content-type').split(';')[0]?.trim().toLowerCase() ?? '';
  if (contentType !== 'application/json') {
    throw apiErrors.invalidParameter(
      `The Content-Type \`${contentType || '(none)'}\` is not supported for POST; use application/json.`,
    );
  }
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw apiErrors.invalidParameter(`The request body is not valid JSON: ${(error as Error).message}.`);
  }
};

const lenientJson = (bytes: Buffer): unknown => {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
};

const provisioningOf = (fault: FaultDecision | undefined): ProvisioningOutcome =>
  fault?.kind === 'ProvisioningFails'
    ? 'isolated'
    : fault?.kind === 'ProvisioningStuck'
      ? 'stuck'
      : 'running';

/**
 * One Tencent Cloud API 3.0 call, in the gateway's order: method and size, common headers,
 * TC3 signature, version and action, rate limit, injected faults, region, body and parameters,
 * then the action. Every refusal is an `ApiError` answered in the envelope, never a throw.
 */
export const processApiRequest = async (req: IncomingMessage, emulator: Emulator): Promise<ProcessedCall> => {
  const requestId = randomUUID();
  const traceId = traceIdOf(req.headers);
  const action = header(req.headers, 'x-tc-action');
  const logged = action === '' ? '(none)' : action.slice(0, 64);
  const body = await readBody(req);
  // An instance-changing call goes in the mutation journal, whatever comes of it.
  const arrivedAt = emulator.now();
  const targets =
    INSTANCE_MUTATIONS.has(action) && body.kind === 'ok'
      ? namedInstanceIds(lenientJson(body.bytes)).map((id) => describeTarget(emulator.state, id, arrivedAt))
      : undefined;
  let applied = false;
  const done = (reply: ApiReply): ProcessedCall => {
    if (targets) {
      emulator.mutations.record({
        at: arrivedAt,
        action,
        via: 'api',
        targets,
        applied,
        outcome: reply.outcome,
      });
    }
    return { action: logged, traceId, reply };
  };
  if (body.kind === 'aborted') return done({ kind: 'none', outcome: 'ClientAborted' });
  let fault: FaultDecision | undefined;
  let reply: ApiReply;
  try {
    if (req.method !== 'POST') {
      throw new ApiError(
        'UnsupportedProtocol',
        `The HTTP method \`${req.method}\` is not supported by the emulator; send POST with a JSON body.`,
      );
    }
    if (body.kind === 'too-large') {
      throw new ApiError(
        'RequestSizeLimitExceeded',
        `The request body is ${body.receivedBytes} bytes, more than the limit of ${MAX_BODY_BYTES} bytes.`,
      );
    }
    if (
      action === '' &&
      header(req.headers, 'content-type').startsWith('application/x-www-form-urlencoded')
    ) {
      throw new ApiError(
        'UnsupportedProtocol',
        'Legacy (v1, HmacSHA1/HmacSHA256) form requests are not supported by the emulator; sign with TC3-HMAC-SHA256.',
      );
    }
    if (action === '') throw apiErrors.missingParameter('Action');
    const version = header(req.headers, 'x-tc-version');
    if (version === '') throw apiErrors.missingParameter('Version');

    const secretId = verifyRequest(
      { method: req.method, url: req.url ?? '/', headers: req.headers, body: body.bytes },
      emulator.credentials,
      emulator.now(),
    );

    if (version !== API_VERSION) {
      throw new ApiError(
        'NoSuchVersion',
        `The requested version \`${version}\` of service \`${SERVICE}\` does not exist.`,
      );
    }
    const definition = ACTIONS.get(action);
    if (!definition) {
      if (REAL_POSTGRES_ACTIONS.has(action)) {
        throw new ApiError(
          'UnsupportedOperation',
          `The action \`${action}\` exists but is not implemented by the emulator.`,
        );
      }
      throw new ApiError('InvalidAction', `The requested action \`${logged}\` does not exist.`);
    }

    const rate = emulator.rateLimiter.check(action, secretId, emulator.now());
    if (!rate.allowed) throw apiErrors.requestLimitExceeded(rate.count, rate.limit);

    fault = emulator.faults.decide(action);
    if (fault?.kind === 'InternalError') throw apiErrors.internalError();
    if (fault?.kind === 'RequestLimitExceeded') {
      const limit = emulator.rateLimiter.limitFor(action);
      throw apiErrors.requestLimitExceeded(limit + 1, limit);
    }
    if (fault?.kind === 'HTTP502' || fault?.kind === 'HTTP504') {
      const status = fault.kind === 'HTTP502' ? 502 : 504;
      return done({ kind: 'gateway', status, outcome: fault.kind });
    }

    const region = header(req.headers, 'x-tc-region');
    checkRegion(region, action);
    const params = parseActionParams(definition.params, parseJsonBody(req.headers, body.bytes));
    const response = definition.handle(
      { state: emulator.state, timings: emulator.currentTimings() },
      {
        params,
        region,
        secretId,
        requestId,
        now: emulator.now(),
        verifyOnly: header(req.headers, VERIFY_HEADER) === '1',
        provisioning: provisioningOf(fault),
      },
    );
    applied = true;
    reply = { kind: 'answer', json: successEnvelope(requestId, response), outcome: 'ok' };
  } catch (error) {
    if (!(error instanceof ApiError)) {
      process.emitWarning(
        `tencent-emulator: ${logged} failed unexpectedly: ${(error as Error)?.stack ?? String(error)}`,
      );
    }
    reply = answerError(requestId, error instanceof ApiError ? error : apiErrors.internalError());
  }
  // Faults that strike after the call took effect (or was refused): the answer is lost or late.
  if (fault?.kind === 'LostResponse') return done({ kind: 'lost', outcome: 'LostResponse' });
  if (fault?.kind === 'Delay' && reply.kind === 'answer') return done({ ...reply, delayMs: fault.delayMs });
  return done(reply);
};
