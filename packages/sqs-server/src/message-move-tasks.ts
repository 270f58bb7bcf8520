import { randomUUID } from 'node:crypto';
import type { SqsEngine } from '#sqs-server/sqs-engine.ts';
import {
  invalidParameter,
  invalidParameterValue,
  resourceNotFound,
  unsupportedOperation,
} from '#sqs-server/sqs-service-error.ts';

export type MoveTaskStatus = 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';

interface MoveTask {
  readonly handle: string;
  readonly sourceArn: string;
  readonly destinationArn: string | undefined;
  readonly maxPerSecond: number | undefined;
  readonly startedAt: number;
  readonly toMove: number;
  status: MoveTaskStatus;
  moved: number;
  failureReason?: string;
  budget: number;
  lastTickAt: number;
  timer?: NodeJS.Timeout;
}

const TICK_MS = 50;
/** Messages moved per tick when no rate is asked for ("system optimised"). */
const UNTHROTTLED_PER_TICK = 1_000;

/**
 * StartMessageMoveTask / ListMessageMoveTasks / CancelMessageMoveTask: moves the messages that
 * were in a dead-letter queue when the task started back to their source queue (or to
 * `DestinationArn`), in the background, at most `MaxNumberOfMessagesPerSecond` per second.
 * Tasks live in memory only: after a restart, unmoved messages simply remain in the dead-letter queue.
 */
export class MessageMoveTasks {
  readonly #engine: SqsEngine;
  readonly #tasks = new Map<string, MoveTask>();

  constructor(engine: SqsEngine) {
    this.#engine = engine;
  }

  start(sourceArn: string, destinationArn: string | undefined, maxPerSecond: number | undefined): string {
    const source = this.#engine.resolveQueueArn(sourceArn);
    if (!source)
      throw resourceNotFound('The resource that you specified for the SourceArn parameter does not exist.');
    if (this.#engine.deadLetterSourceQueueNames(source).length === 0) {
      throw invalidParameterValue('Source queue must be configured as a Dead Letter Queue.');
    }
    if (destinationArn !== undefined && !this.#engine.resolveQueueArn(destinationArn)) {
      throw resourceNotFound(
        'The resource that you specified for the DestinationArn parameter does not exist.',
      );
    }
    if (
      maxPerSecond !== undefined &&
      !(Number.isInteger(maxPerSecond) && maxPerSecond >= 1 && maxPerSecond <= 500)
    ) {
      throw invalidParameter(
        'MaxNumberOfMessagesPerSecond',
        maxPerSecond,
        'Must be between 1 and 500, if provided.',
      );
    }
    if ([...this.#tasks.values()].some((task) => task.sourceArn === sourceArn && task.status === 'RUNNING')) {
      throw unsupportedOperation(
        'There is already a task running. Only one active task is allowed per source queue.',
      );
    }
    const task: MoveTask = {
      handle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn })).toString('base64'),
      sourceArn,
      destinationArn,
      maxPerSecond,
      startedAt: this.#engine.now(),
      toMove: this.#engine.availableCount(source),
      status: 'RUNNING',
      moved: 0,
      budget: 0,
      lastTickAt: Date.now(),
    };
    this.#tasks.set(task.handle, task);
    this.#schedule(task, 0);
    return task.handle;
  }

  list(sourceArn: string, maxResults: number) {
    if (!this.#engine.resolveQueueArn(sourceArn)) {
      throw resourceNotFound('The resource that you specified for the SourceArn parameter does not exist.');
    }
    return [...this.#tasks.values()]
      .filter((task) => task.sourceArn === sourceArn)
      .sort((a, b) => b.startedAt - a.startedAt)
      .slice(0, maxResults)
      .map((task) => ({
        TaskHandle: task.status === 'RUNNING' ? task.handle : undefined,
        Status: task.status,
        SourceArn: task.sourceArn,
        DestinationArn: task.destinationArn,
        MaxNumberOfMessagesPerSecond: task.maxPerSecond,
        ApproximateNumberOfMessagesMoved: task.moved,
        ApproximateNumberOfMessagesToMove: task.status === 'RUNNING' ? task.toMove : undefined,
        FailureReason: task.failureReason,
        StartedTimestamp: task.startedAt,
      }));
  }

  cancel(handle: string): number {
    const task = this.#tasks.get(handle);
    if (!task) throw resourceNotFound('The task handle that you specified does not exist.');
    if (task.status !== 'RUNNING') throw unsupportedOperation('Only a RUNNING task can be cancelled.');
    clearTimeout(task.timer);
    task.status = 'CANCELLED';
    return task.moved;
  }

  close(): void {
    for (const task of this.#tasks.values()) clearTimeout(task.timer);
  }

  #schedule(task: MoveTask, delayMs: number): void {
    task.timer = setTimeout(() => this.#tick(task), delayMs);
    task.timer.unref();
  }

  #tick(task: MoveTask): void {
    if (task.status !== 'RUNNING') return;
    const source = this.#engine.resolveQueueArn(task.sourceArn);
    if (!source) {
      this.#finish(task, 'FAILED', 'AWS.SimpleQueueService.NonExistentQueue');
      return;
    }
    const tickAt = Date.now();
    task.budget =
      task.maxPerSecond === undefined
        ? UNTHROTTLED_PER_TICK
        : Math.min(task.maxPerSecond, task.budget + ((tickAt - task.lastTickAt) / 1000) * task.maxPerSecond);
    task.lastTickAt = tickAt;
    try {
      while (task.budget >= 1 && task.moved < task.toMove) {
        const step = this.#engine.redriveOne(source, task.destinationArn);
        if (step.kind === 'empty') break;
        if (step.kind === 'failed') {
          this.#finish(task, 'FAILED', step.reason);
          return;
        }
        task.moved += 1;
        task.budget -= 1;
      }
    } catch {
      // The engine refuses writes once the server is closing.
      this.#finish(task, 'FAILED', 'AWS.SimpleQueueService.ServiceUnavailable');
      return;
    }
    if (task.moved >= task.toMove || this.#engine.availableCount(source) === 0) {
      this.#finish(task, 'COMPLETED');
      return;
    }
    this.#schedule(task, TICK_MS);
  }

  #finish(task: MoveTask, status: MoveTaskStatus, failureReason?: string): void {
    task.status = status;
    if (failureReason) task.failureReason = failureReason;
  }
}
