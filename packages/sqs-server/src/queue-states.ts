import type { JournalEntry, MessageRecord, QueueRecord, Snapshot } from '#sqs-server/stored-state.ts';

/** One queue in memory: its record and its messages in arrival order. */
export interface QueueState {
  record: QueueRecord;
  readonly messages: Map<string, MessageRecord>;
}

export type QueueStates = Map<string, QueueState>;

/**
 * The one way state changes, both live and when a journal is replayed. Every entry sets or
 * removes whole records, so replaying entries already contained in a snapshot changes nothing.
 */
export const applyJournalEntry = (states: QueueStates, entry: JournalEntry): void => {
  switch (entry.op) {
    case 'queue-put': {
      const existing = states.get(entry.queue.name);
      if (existing) existing.record = entry.queue;
      else states.set(entry.queue.name, { record: entry.queue, messages: new Map() });
      return;
    }
    case 'queue-delete':
      states.delete(entry.name);
      return;
    case 'queue-purge':
      states.get(entry.name)?.messages.clear();
      return;
    case 'message-put': {
      const messages = states.get(entry.queue)?.messages;
      if (!messages) return;
      // An update keeps the message's place: the oldest available messages are delivered first.
      messages.set(entry.message.id, entry.message);
      return;
    }
    case 'message-delete':
      states.get(entry.queue)?.messages.delete(entry.id);
      return;
  }
};

export const toSnapshot = (states: QueueStates): Snapshot => ({
  version: 1,
  queues: [...states.values()].map((state) => ({
    queue: state.record,
    messages: [...state.messages.values()],
  })),
});

export const fromSnapshot = (snapshot: Snapshot): QueueStates =>
  new Map(
    snapshot.queues.map((stored) => [
      stored.queue.name,
      { record: stored.queue, messages: new Map(stored.messages.map((message) => [message.id, message])) },
    ]),
  );
