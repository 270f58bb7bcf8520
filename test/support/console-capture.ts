/**
 * A setup file of every test worker (vitest.config.ts): whatever the worker writes straight to its
 * stdout or stderr — the Powertools logger and metrics (each writes through a `Console` of its own
 * on `process.stdout`), the local stack's worker threads (piped into this process's stdout), a child
 * process's output passed on — goes through the console vitest captures. With `silent: 'passed-only'`
 * it is then printed only for a failing test (or, for what a hook wrote, a failing file), never for
 * the thousands of expected errors that passing tests provoke.
 *
 * A test that captures the process's output itself (`secrets-in-logs.test.ts`, `quiet-logs.ts`)
 * replaces `write` over this one and sees every line as before.
 */
type Write = typeof process.stdout.write;

const route = (stream: NodeJS.WriteStream, log: (text: string) => void) => {
  const original = stream.write.bind(stream) as Write;
  let inside = false;
  stream.write = ((chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    const done = typeof encoding === 'function' ? encoding : callback;
    // vitest's console does not write here; were it ever Node's own again, this keeps it from looping.
    if (inside) return (original as (...args: unknown[]) => boolean)(chunk, encoding, callback);
    inside = true;
    try {
      const text =
        typeof chunk === 'string'
          ? chunk
          : chunk instanceof Uint8Array
            ? Buffer.from(chunk).toString(
                typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
              )
            : String(chunk);
      log(text.endsWith('\n') ? text.slice(0, -1) : text);
    } finally {
      inside = false;
    }
    if (typeof done === 'function') (done as () => void)();
    return true;
  }) as Write;
};

route(process.stdout, (text) => console.log(text));
route(process.stderr, (text) => console.error(text));
