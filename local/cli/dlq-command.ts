import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { parseFlags, UsageError } from '#local/cli/cli-flags.ts';
import {
  type DeadLetterTarget,
  QUEUE_NAMES,
  resolveDeadLetterTarget,
  targetFlagOptions,
  targetFlagsSchema,
} from '#local/cli/dead-letter-target.ts';
import { systemClock } from '#shared/ports/clock.ts';
import type { QueueName } from '#shared/ports/message-queue.ts';
import { holdingDeadLetterLock, redriveDeadLetters } from '#shared/use-cases/redrive-dead-letters.ts';

const queueName = z.enum(QUEUE_NAMES as [QueueName, ...QueueName[]]);

const listFlagsSchema = targetFlagsSchema.extend({
  queue: queueName.optional(),
  max: z.coerce.number().int().min(1).max(10_000).default(100),
  json: z.boolean().optional(),
});

const redriveFlagsSchema = targetFlagsSchema.extend({
  request: z.array(z.string().regex(/^r-[a-z0-9]{16}$/, 'a request id (r-…)')).optional(),
  wait: z.boolean().optional(),
  json: z.boolean().optional(),
});

const out = (line: string) => process.stdout.write(`${line}\n`);

const withTarget = async <T>(
  flags: z.infer<typeof targetFlagsSchema>,
  work: (target: DeadLetterTarget) => Promise<T>,
) => {
  const target = await resolveDeadLetterTarget(flags);
  try {
    return await work(target);
  } finally {
    target.close();
  }
};

/** Each dead-letter queue's letters, with the state of the request each names. */
const listDeadLetters = async (
  target: DeadLetterTarget,
  flags: { readonly queue?: QueueName | undefined; readonly max?: number | undefined },
) => {
  const queues = [];
  for (const queue of flags.queue ? [flags.queue] : QUEUE_NAMES) {
    const depth = await target.deadLetters.depth(queue);
    const letters = [];
    for (const letter of await target.deadLetters.peek(queue, flags.max)) {
      const record = letter.requestId ? await target.store.get(letter.requestId) : undefined;
      letters.push({
        messageId: letter.messageId,
        requestId: letter.requestId ?? null,
        reason: letter.reason,
        sentAt: letter.sentAt ?? null,
        state: record?.state ?? null,
        notification: record?.notification?.status ?? null,
        stuck: record?.stuck ?? null,
        ...(letter.requestId ? {} : { body: letter.body.slice(0, 200) }),
      });
    }
    queues.push({ queue, depth, deadLetters: letters });
  }
  return queues;
};

/** `replica-flow dlq list [--queue q] [--max n] [--json]`: what each dead-letter queue holds, and why. */
export const dlqListCommand = async (argv: readonly string[]): Promise<number> => {
  const { flags } = parseFlags(
    argv,
    { ...targetFlagOptions, queue: { type: 'string' }, max: { type: 'string' }, json: { type: 'boolean' } },
    listFlagsSchema,
  );
  return withTarget(flags, async (target) => {
    // A running scan hides what it peeks: the listing waits for it, and keeps the next one off.
    const queues = await holdingDeadLetterLock('dlq-list', { ...target, clock: systemClock }, () =>
      listDeadLetters(target, flags),
    );
    if (flags.json) {
      out(JSON.stringify({ where: target.where, queues }));
      return 0;
    }
    out(`dead-letter queues of the ${target.where}`);
    for (const { queue, depth, deadLetters } of queues) {
      out(`  ${queue}-dlq: ${depth} message${depth === 1 ? '' : 's'}`);
      for (const letter of deadLetters) {
        const about = letter.requestId
          ? `${letter.requestId} ${letter.state ?? 'no record'}${letter.notification ? `, notification ${letter.notification}` : ''}`
          : `(no request) ${letter.body ?? ''}`;
        out(`    ${letter.messageId}  ${about}  — ${letter.reason}`);
      }
    }
    const total = queues.reduce((sum, queue) => sum + queue.depth, 0);
    if (total > 0) out('Redrive: replica-flow dlq redrive <queue>');
    return 0;
  });
};

/**
 * `replica-flow dlq redrive <queue> [--request r-…] [--wait]` (also `replica-flow redrive <queue>`):
 * prepares the requests (stuck markers cleared; for notify, notifications given a new retry window,
 * UNDELIVERED ones included) and moves the dead letters back to their queue.
 */
export const dlqRedriveCommand = async (argv: readonly string[]): Promise<number> => {
  const { flags, positionals } = parseFlags(
    argv,
    {
      ...targetFlagOptions,
      request: { type: 'string', multiple: true },
      wait: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    redriveFlagsSchema,
  );
  const parsedQueue = queueName.safeParse(positionals[0]);
  if (!parsedQueue.success) throw new UsageError('usage: replica-flow dlq redrive <requests|create|notify>');
  const queue = parsedQueue.data;
  if (flags.request && queue !== 'notify')
    throw new UsageError('--request re-sends notifications: use it with notify');
  return withTarget(flags, async (target) => {
    const result = await redriveDeadLetters(
      queue,
      { ...target, clock: systemClock },
      flags.request ? { requestIds: flags.request } : {},
    );
    let status: { status: string; moved: number } | undefined;
    if (flags.wait && result.task) {
      const deadline = Date.now() + 120_000;
      do {
        await sleep(500);
        status = await target.deadLetters.redriveStatus(result.task);
      } while (status.status === 'RUNNING' && Date.now() < deadline);
    }
    if (flags.json) {
      out(JSON.stringify({ ...result, ...(status ? { move: status } : {}) }));
    } else {
      out(
        `${queue}-dlq → ${queue} (${target.where}): ${result.deadLetters} dead letter${result.deadLetters === 1 ? '' : 's'}` +
          `${result.task ? `, move task ${result.task.taskHandle}` : ', nothing to move'}`,
      );
      if (queue === 'notify') out(`  notifications given a new retry window: ${result.notificationsReset}`);
      out(`  stuck markers cleared: ${result.markersCleared}`);
      if (result.resent.length) out(`  notifications re-sent: ${result.resent.join(', ')}`);
      if (status) out(`  move ${status.status}: ${status.moved} moved`);
    }
    return status && status.status !== 'COMPLETED' ? 1 : 0;
  });
};

/** `replica-flow dlq <list|redrive> …` */
export const dlqCommand = async (argv: readonly string[]): Promise<number> => {
  const [sub, ...rest] = argv;
  if (sub === 'list') return dlqListCommand(rest);
  if (sub === 'redrive') return dlqRedriveCommand(rest);
  throw new UsageError('usage: replica-flow dlq list [--queue q] | replica-flow dlq redrive <queue>');
};
