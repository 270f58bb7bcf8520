import * as z from 'zod';
import { WEBHOOK_TYPES } from '#shared/domain/request-record.ts';

/** Bodies of the three queues. Every consumer parses its body with these before acting. */
export const requestMessageSchema = z.strictObject({ requestId: z.string().regex(/^r-[a-z0-9]{16}$/) });
export type RequestMessage = z.infer<typeof requestMessageSchema>;

export const createMessageSchema = requestMessageSchema;
export type CreateMessage = RequestMessage;

export const notifyMessageSchema = z.strictObject({
  requestId: z.string().regex(/^r-[a-z0-9]{16}$/),
  type: z.enum(WEBHOOK_TYPES),
  webhookId: z.string().min(1).max(128),
});
export type NotifyMessage = z.infer<typeof notifyMessageSchema>;
