import { mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type PersistedState, persistedState } from '#emulator/state/records.ts';

export const STATE_FILE_NAME = 'tencent-emulator-state.json';

/**
 * Coalesce bursts of changes into one write: a load test creates 100 replicas a second, and each
 * write serialises the whole state (some 1 KiB a replica) on the emulator's thread, so at 25 ms the
 * burst bench spent ~0.5 s of its 23 s writing the file, and at 250 ms still ~0.15 s. `close()`
 * still writes what is pending.
 */
const WRITE_DELAY_MS = 1000;

/**
 * The emulator's state in `<dataDir>/tencent-emulator-state.json`. Writes are atomic (a temporary
 * file renamed over the old one) and coalesced; `flush()` (called by `close()`) writes what is pending.
 */
export class StateFile {
  readonly path: string;
  private readonly snapshot: () => PersistedState;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private dirty = false;
  private failure: Error | undefined;

  constructor(dataDir: string, snapshot: () => PersistedState) {
    mkdirSync(dataDir, { recursive: true });
    this.path = join(dataDir, STATE_FILE_NAME);
    this.snapshot = snapshot;
  }

  /** The saved state, or `undefined` on first start. A corrupt file is an error, never silently dropped. */
  load(): PersistedState | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Error(`Emulator state file ${this.path} is not valid JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const parsed = persistedState.safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      throw new Error(`Emulator state file ${this.path} is not valid: ${where}`);
    }
    return parsed.data;
  }

  scheduleSave(): void {
    this.dirty = true;
    if (this.timer || this.writing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.writeNow();
    }, WRITE_DELAY_MS);
    this.timer.unref();
  }

  /** Writes any pending change; rejects if the last write failed. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      if (this.writing) await this.writing;
      else if (this.dirty) await this.writeNow();
      else break;
    }
    if (this.failure) throw this.failure;
  }

  private writeNow(): Promise<void> {
    this.dirty = false;
    const json = JSON.stringify(this.snapshot());
    const tmp = `${this.path}.${process.pid}.tmp`;
    this.writing = writeFile(tmp, json, 'utf8')
      .then(() => rename(tmp, this.path))
      .then(
        () => {
          this.failure = undefined;
        },
        (error: unknown) => {
          this.failure = error instanceof Error ? error : new Error(String(error));
          process.emitWarning(`tencent-emulator: could not save ${this.path}: ${this.failure.message}`);
        },
      )
      .finally(() => {
        this.writing = undefined;
        if (this.dirty) this.scheduleSave();
      });
    return this.writing;
  }
}
