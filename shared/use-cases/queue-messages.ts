import { WEBHOOK_TYPES } from '#shared/domain/request-record.ts';
import * as z from '#shared/util/zod-mini.ts';

/** Bodies of the three queues. Every consumer parses its body with these before acting. */
const requestIdSchema = z.string().check(z.regex(/^r-[a-z0-9]{16}$/));

export const requestMessageSchema = z.strictObject({ requestId: requestIdSchema });
export type RequestMessage = z.infer<typeof requestMessageSchema>;

export const createMessageSchema = requestMessageSchema;
export type CreateMessage = RequestMessage;

export const notifyMessageSchema = z.strictObject({
  requestId: requestIdSchema,
  type: z.enum(WEBHOOK_TYPES),
  webhookId: z.string().check(z.minLength(1), z.maxLength(128)),
  /** The retry chain the message belongs to; absent on messages from before chains. */
  chainId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
});
export type NotifyMessage = z.infer<typeof notifyMessageSchema>;
