/**
 * The server's log: one JSON line per entry on stderr (stdout stays free for the `{"sqsServerUrl": …}`
 * line that `main.ts` prints), at or above `LOG_LEVEL` (default INFO; `SILENT` for none), in the
 * shape the workflow's logs use (`level`, `message`, `timestamp`, `service`, then the fields).
 * Errors are written with their name, message, code, stack and cause.
 */
const LEVELS = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 100 } as const;
type Level = Exclude<keyof typeof LEVELS, 'SILENT'>;

const threshold = (): number => {
  const wanted = (process.env.LOG_LEVEL ?? 'INFO').toUpperCase();
  if (wanted === 'TRACE') return LEVELS.DEBUG;
  if (wanted === 'CRITICAL') return LEVELS.ERROR;
  return wanted in LEVELS ? LEVELS[wanted as keyof typeof LEVELS] : LEVELS.INFO;
};

const plain = (_key: string, value: unknown): unknown => {
  if (!(value instanceof Error)) return value;
  return {
    name: value.name,
    message: value.message,
    ...('code' in value && { code: value.code }),
    stack: value.stack,
    ...(value.cause !== undefined && { cause: value.cause }),
  };
};

const write = (level: Level, message: string, fields: Record<string, unknown>): void => {
  if (LEVELS[level] < threshold()) return;
  const entry = { level, message, timestamp: new Date().toISOString(), service: 'sqs-server', ...fields };
  process.stderr.write(`${JSON.stringify(entry, plain)}\n`);
};

export const serverLog = {
  debug: (message: string, fields: Record<string, unknown> = {}): void => write('DEBUG', message, fields),
  info: (message: string, fields: Record<string, unknown> = {}): void => write('INFO', message, fields),
  warn: (message: string, fields: Record<string, unknown> = {}): void => write('WARN', message, fields),
  error: (message: string, fields: Record<string, unknown> = {}): void => write('ERROR', message, fields),
};
