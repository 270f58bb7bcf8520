/**
 * Drops the workflow's JSON log lines (`{"level":…}`) written to stdout until the returned function
 * is called; anything else still prints. For tests that provoke thousands of expected errors.
 */
export const silenceJsonLogs = (): (() => void) => {
  const original = process.stdout.write;
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
    if (text.startsWith('{"level":')) return true;
    return (original as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  };
  process.stdout.write = write as typeof process.stdout.write;
  return () => {
    process.stdout.write = original;
  };
};
