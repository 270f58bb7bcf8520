import fs from 'node:fs';
import path from 'node:path';
import {
  applyJournalEntry,
  fromSnapshot,
  type QueueStates,
  toSnapshot,
} from '#local/sqs-server/queue-states.ts';
import type { JournalEntry, Snapshot } from '#local/sqs-server/stored-state.ts';
import { ConfigError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';

const SNAPSHOT_FILE = 'snapshot.json';
const JOURNAL_FILE = 'journal.jsonl';
const LOCK_FILE = 'server.pid';
/** Journal lines after which the state is compacted into a new snapshot while running. */
const COMPACT_AFTER_ENTRIES = 10_000;

/**
 * Durable state of the local SQS server under `dataDir`: a snapshot plus an append-only journal of
 * every mutation since. Each mutation is written with a synchronous `write(2)` before the request
 * is answered, so whatever a client saw acknowledged survives a crash of the process (not of the
 * machine: there is no fsync per entry). Opening replays the journal over the snapshot and
 * compacts both into a new snapshot, written atomically (temp file, fsync, rename).
 */
export class StateJournal {
  readonly #dataDir: string;
  #fd: number;
  #entriesSinceCompaction = 0;

  private constructor(dataDir: string, fd: number) {
    this.#dataDir = dataDir;
    this.#fd = fd;
  }

  /** Loads the state stored under `dataDir` (created if missing) and opens the journal for appending. */
  static open(dataDir: string): { journal: StateJournal; states: QueueStates } {
    fs.mkdirSync(dataDir, { recursive: true });
    acquireLock(dataDir);
    try {
      const states = loadSnapshot(path.join(dataDir, SNAPSHOT_FILE));
      replayJournal(path.join(dataDir, JOURNAL_FILE), states);
      const journal = new StateJournal(dataDir, -1);
      journal.#writeSnapshot(states);
      journal.#fd = fs.openSync(path.join(dataDir, JOURNAL_FILE), 'w');
      return { journal, states };
    } catch (error) {
      releaseLock(dataDir);
      throw error;
    }
  }

  /** Appends one mutation; returns once the operating system has it. */
  append(entry: JournalEntry): void {
    fs.writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
    this.#entriesSinceCompaction += 1;
  }

  /** Folds the journal into a new snapshot when it has grown long. */
  compactIfLong(states: QueueStates): void {
    if (this.#entriesSinceCompaction < COMPACT_AFTER_ENTRIES) return;
    this.#writeSnapshot(states);
    fs.ftruncateSync(this.#fd, 0);
    this.#entriesSinceCompaction = 0;
  }

  close(): void {
    if (this.#fd < 0) return;
    fs.closeSync(this.#fd);
    this.#fd = -1;
    releaseLock(this.#dataDir);
  }

  /** Atomic: a crash leaves either the old or the new snapshot, and the journal replays onto both. */
  #writeSnapshot(states: QueueStates): void {
    const target = path.join(this.#dataDir, SNAPSHOT_FILE);
    const temporary = `${target}.${process.pid}.tmp`;
    const fd = fs.openSync(temporary, 'w');
    try {
      fs.writeSync(fd, JSON.stringify(toSnapshot(states)));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, target);
  }
}

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
        throw new ConfigError(`The SQS data folder ${dataDir} is in use by process ${owner}`);
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new ConfigError(`Could not lock the SQS data folder ${dataDir}`);
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
    throw new ConfigError(`The SQS snapshot ${file} is unreadable`, { cause: error });
  }
  if (snapshot.version !== 1) throw new ConfigError(`Unsupported SQS snapshot version in ${file}`);
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
        logger.warn('Skipping an unreadable SQS journal line', { file, line: index + 1 });
      return;
    }
    applyJournalEntry(states, entry);
  });
};
