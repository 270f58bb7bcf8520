import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as z from 'zod';
import { readBody } from '#emulator/protocol/request-body.ts';

/** A control-API refusal: status, message and (for validation) the failing fields. */
export class ControlError extends Error {
  readonly status: number;
  readonly issues: readonly { path: string; message: string }[];

  constructor(status: number, message: string, issues: readonly { path: string; message: string }[] = []) {
    super(message);
    this.name = 'ControlError';
    this.status = status;
    this.issues = issues;
  }
}

export const writeJson = (res: ServerResponse, status: number, body: unknown): void => {
  if (res.writableEnded || res.destroyed) return;
  const bytes = Buffer.from(JSON.stringify(body, null, 2), 'utf8');
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': bytes.length });
  res.end(bytes);
};

/** Reads and validates a JSON body; an empty body is `{}`. Errors name the field (`rules.0.kind`). */
export const readJsonBody = async <S extends z.ZodType>(
  req: IncomingMessage,
  schema: S,
  route: string,
): Promise<z.output<S>> => {
  const body = await readBody(req);
  if (body.kind === 'aborted') throw new ControlError(400, `${route}: the request body was not received`);
  if (body.kind === 'too-large') throw new ControlError(413, `${route}: the request body is over 1 MB`);
  const text = body.bytes.toString('utf8').trim();
  let json: unknown = {};
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ControlError(400, `${route}: the body is not valid JSON (${(error as Error).message})`);
    }
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({
      path: issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.'),
      message: issue.message,
    }));
    throw new ControlError(
      400,
      `${route}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return result.data;
};
