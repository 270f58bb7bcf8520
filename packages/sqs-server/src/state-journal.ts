import fs from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { applyJournalEntry, fromSnapshot, type QueueStates, toSnapshot } from '#sqs-server/queue-states.ts';
import { serverLog } from '#sqs-server/server-log.ts';
import { SqsServerConfigError } from '#sqs-server/sqs-server-error.ts';
import type { JournalEntry, Snapshot } from '#sqs-server/stored-state.ts';

const SNAPSHOT_FILE = 'snapshot.json';
const JOURNAL_FILE = 'journal.jsonl';
const LOCK_FILE = 'server.pid';
/** Journal lines after which the state is compacted into a new snapshot while running. */
export const DEFAULT_COMPACT_AFTER_ENTRIES = 10_000;
/** Write-only, created if missing, emptied, every write at the end (also after a truncation). */
const JOURNAL_FLAGS =
  fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_APPEND;

export interface StateJournalOptions {
  /** Journal lines after which the state is folded into a new snapshot; default 10 000. */
  readonly compactAfterEntries?: number;
}

interface DurableWaiter {
  /** Resolved once this many entries are on disk. */
  readonly entries: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * Durable state of the local SQS server under `dataDir`: a snapshot plus an append-only journal of
 * every mutation since. Mutations apply in memory at once and are written in groups: everything
 * appended during one event-loop turn goes to the journal in one write and one `fdatasync`, and
 * `durable()` resolves once that is done. The server answers a request only then, so whatever a
 * client saw acknowledged survives a crash of the process or of the machine, at one fsync per
 * turn rather than per request. Opening replays the journal over the snapshot and compacts both
 * into a new snapshot, written atomically (temp file, fsync, rename, fsync of the folder).
 */
export class StateJournal {
  readonly #dataDir: string;
  readonly #states: QueueStates;
  readonly #compactAfterEntries: number;
  readonly #file: FileHandle;
  /** Lines appended and not yet handed to a write. */
  #pending: string[] = [];
  #appended = 0;
  #durable = 0;
  #waiters: DurableWaiter[] = [];
  #flushing: Promise<void> | undefined;
  #failure: Error | undefined;
  #entriesSinceCompaction = 0;
  #closed = false;

  private constructor(dataDir: string, states: QueueStates, file: FileHandle, compactAfterEntries: number) {
    this.#dataDir = dataDir;
    this.#states = states;
    this.#file = file;
    this.#compactAfterEntries = compactAfterEntries;
  }

  /**
   * Loads the state stored under `dataDir` (created if missing) and opens the journal for
   * appending. The returned `states` are live: the journal snapshots them when it compacts.
   */
  static async open(
    dataDir: string,
    options: StateJournalOptions = {},
  ): Promise<{ journal: StateJournal; states: QueueStates }> {
    const compactAfterEntries = options.compactAfterEntries ?? DEFAULT_COMPACT_AFTER_ENTRIES;
    if (!Number.isInteger(compactAfterEntries) || compactAfterEntries < 1) {
      throw new SqsServerConfigError(
        `compactAfterEntries must be a positive integer (got ${String(options.compactAfterEntries)})`,
      );
    }
    fs.mkdirSync(dataDir, { recursive: true });
    acquireLock(dataDir);
    try {
      const states = loadSnapshot(path.join(dataDir, SNAPSHOT_FILE));
      replayJournal(path.join(dataDir, JOURNAL_FILE), states);
      writeSnapshot(dataDir, states);
      const file = await fsp.open(path.join(dataDir, JOURNAL_FILE), JOURNAL_FLAGS);
      return { journal: new StateJournal(dataDir, states, file, compactAfterEntries), states };
    } catch (error) {
      releaseLock(dataDir);
      throw error;
    }
  }

  /**
   * Records one mutation, to be written with the others of this event-loop turn. Call it before
   * applying the mutation in memory; it throws once the journal can no longer be written.
   */
  append(entry: JournalEntry): void {
    if (this.#failure) throw this.#failure;
    if (this.#closed) throw new Error('The SQS journal is closed');
    this.#pending.push(`${JSON.stringify(entry)}\n`);
    this.#appended += 1;
    this.#flushing ??= this.#flush();
  }

  /** Resolves once every entry appended so far is on disk; rejects if the journal cannot be written. */
  durable(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    const entries = this.#appended;
    if (this.#durable >= entries) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ entries, resolve, reject }));
  }

  /** Writes what is still pending, then closes the journal and releases the folder. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#flushing) await this.#flushing;
    await this.#file.close();
    releaseLock(this.#dataDir);
  }

  /** One writer: groups the lines of each turn into one write and one fdatasync. */
  async #flush(): Promise<void> {
    try {
      await nextTurn(); // the other requests of this turn append too
      while (this.#pending.length > 0) {
        const lines = this.#pending;
        this.#pending = [];
        await writeAll(this.#file, Buffer.from(lines.join(''), 'utf8'));
        await this.#file.datasync();
        this.#entriesSinceCompaction += lines.length;
        if (this.#entriesSinceCompaction >= this.#compactAfterEntries) await this.#compact();
        this.#durable += lines.length;
        this.#settle();
      }
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#flushing = undefined;
    }
  }

  /**
   * Folds the journal into a new snapshot. The snapshot holds the live state, pending lines
   * included; those are still written to the emptied journal after, and replaying them is harmless.
   */
  async #compact(): Promise<void> {
    writeSnapshot(this.#dataDir, this.#states);
    await this.#file.truncate(0);
    this.#entriesSinceCompaction = 0;
  }

  #settle(): void {
    const waiting = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiting) {
      if (waiter.entries <= this.#durable) waiter.resolve();
      else this.#waiters.push(waiter);
    }
  }

  #fail(cause: unknown): void {
    this.#failure = new Error('The SQS journal could not be written; acknowledging nothing more', {
      cause,
    });
    serverLog.error('Local SQS server lost its journal', { error: cause, dataDir: this.#dataDir });
    for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#failure);
  }
}

const writeAll = async (file: FileHandle, bytes: Buffer): Promise<void> => {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await file.write(bytes, offset);
    offset += bytesWritten;
  }
};

/**
 * Atomic and durable: a crash leaves either the old or the new snapshot (the journal replays onto
 * both), and once this returns the new one survives a power loss too (the folder is fsynced).
 */
const writeSnapshot = (dataDir: string, states: QueueStates): void => {
  const target = path.join(dataDir, SNAPSHOT_FILE);
  const temporary = `${target}.${process.pid}.tmp`;
  const fd = fs.openSync(temporary, 'w');
  try {
    fs.writeSync(fd, JSON.stringify(toSnapshot(states)));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, target);
  const folder = fs.openSync(dataDir, 'r');
  try {
    fs.fsyncSync(folder);
  } finally {
    fs.closeSync(folder);
  }
};

/**
 * One server per data folder: two writing the same journal would corrupt it. A lock left by a
 * process that no longer runs (a crash) is taken over.
 */
const acquireLock = (dataDir: string): void => {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(fs.readFileSync(file, 'utf8'));
      if (isRunning(owner)) {
        throw new SqsServerConfigError(`The SQS data folder ${dataDir} is in use by process ${owner}`);
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new SqsServerConfigError(`Could not lock the SQS data folder ${dataDir}`);
};

const releaseLock = (dataDir: string): void => fs.rmSync(path.join(dataDir, LOCK_FILE), { force: true });

const isRunning = (pid: number): boolean => {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const loadSnapshot = (file: string): QueueStates => {
  if (!fs.existsSync(file)) return new Map();
  let snapshot: Snapshot;
  try {
    snapshot = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  } catch (error) {
    throw new SqsServerConfigError(`The SQS snapshot ${file} is unreadable`, { cause: error });
  }
  if (snapshot.version !== 1) throw new SqsServerConfigError(`Unsupported SQS snapshot version in ${file}`);
  return fromSnapshot(snapshot);
};

const replayJournal = (file: string, states: QueueStates): void => {
  if (!fs.existsSync(file)) return;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let entry: JournalEntry;
    try {
      entry = JSON.parse(line) as JournalEntry;
    } catch {
      // A torn last line is what a crash mid-write leaves; anything else is worth a warning.
      if (index < lines.length - 1)
        serverLog.warn('Skipping an unreadable SQS journal line', { file, line: index + 1 });
      return;
    }
    applyJournalEntry(states, entry);
  });
};
