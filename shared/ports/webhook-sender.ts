/** Delivers one signed Standard Webhooks message. */
export interface WebhookMessage {
  readonly url: string;
  /** `webhook-id`, stable across retries. */
  readonly id: string;
  /** The JSON body `{type, timestamp, data}`, already serialised (signed bytes = sent bytes). */
  readonly body: string;
}

export interface DeliveryResult {
  readonly ok: boolean;
  readonly status?: number;
  readonly error?: string;
  readonly durationMs: number;
}

export interface WebhookSender {
  send(message: WebhookMessage): Promise<DeliveryResult>;
}
