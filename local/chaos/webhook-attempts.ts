/** Webhook attempts per notification (per `webhook-id`), as the receiver saw them, against the backoff schedule. */
export interface WebhookAttemptStats {
  /** webhook-ids the receiver was asked to take at least once. */
  readonly notifications: number;
  readonly total: number;
  readonly max: number;
  readonly p99: number;
  /** The bound each webhook-id's attempts are held to, in words. */
  readonly bound: string;
  /** The bound for the webhook-id with the most attempts. */
  readonly boundOfMax: number;
  /** webhook-ids with more attempts than their bound (0 when the schedule held). */
  readonly exceeded: number;
  readonly held: boolean;
  /** A few webhook-ids over their bound, to start the investigation from. */
  readonly examples?: readonly {
    readonly webhookId: string;
    readonly attempts: number;
    readonly bound: number;
  }[];
}

export interface AttemptSchedule {
  /** The shortest retry delay the backoff can choose (its base), in ms. */
  readonly minDelayMs: number;
  /** How early an attempt may come before its due time (notify's leeway), in ms. */
  readonly leewayMs: number;
  /** Slack for the time between notify's decision and the receiver's clock reading, in ms. */
  readonly toleranceMs: number;
}

/**
 * One retry chain per notification makes its attempts at least `minDelayMs − leewayMs` apart, so a
 * webhook-id first tried at `first` and last at `last` got at most
 * `1 + ⌊(last − first + toleranceMs) / (minDelayMs − leewayMs)⌋` attempts. Several live chains for
 * one notification (the retry amplification of issue #12) break it at once.
 */
export const webhookAttemptStats = (
  attempts: readonly { readonly id: string; readonly at: number }[],
  schedule: AttemptSchedule,
): WebhookAttemptStats => {
  const times = new Map<string, number[]>();
  for (const attempt of attempts) times.set(attempt.id, [...(times.get(attempt.id) ?? []), attempt.at]);
  const spacing = Math.max(1, schedule.minDelayMs - schedule.leewayMs);
  const rows = [...times].map(([webhookId, at]) => {
    const span = Math.max(...at) - Math.min(...at);
    return {
      webhookId,
      attempts: at.length,
      bound: 1 + Math.floor((span + schedule.toleranceMs) / spacing),
    };
  });
  const counts = rows.map((row) => row.attempts).sort((left, right) => left - right);
  const worst = rows.reduce<(typeof rows)[number] | undefined>(
    (most, row) => (most === undefined || row.attempts > most.attempts ? row : most),
    undefined,
  );
  const over = rows.filter((row) => row.attempts > row.bound);
  return {
    notifications: rows.length,
    total: attempts.length,
    max: worst?.attempts ?? 0,
    p99: counts[Math.max(0, Math.ceil(counts.length * 0.99) - 1)] ?? 0,
    bound:
      `attempts ≤ 1 + ⌊(last − first + ${schedule.toleranceMs} ms) / (${schedule.minDelayMs} ms base delay` +
      ` − ${schedule.leewayMs} ms leeway)⌋ per webhook-id`,
    boundOfMax: worst?.bound ?? 0,
    exceeded: over.length,
    held: over.length === 0,
    ...(over.length > 0 ? { examples: over.slice(0, 5) } : {}),
  };
};
