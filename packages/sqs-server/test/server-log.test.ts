import { afterEach, describe, expect, it, vi } from 'vitest';
import { serverLog } from '#sqs-server/server-log.ts';
import { SqsServerConfigError } from '#sqs-server/sqs-server-error.ts';

const captureStderr = () => {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return lines;
};

describe('the SQS server log', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('writes one JSON line on stderr with the level, message, service and fields, errors with code and cause', () => {
    // Prepare
    vi.stubEnv('LOG_LEVEL', 'INFO');
    const lines = captureStderr();
    const error = new SqsServerConfigError('The SQS data folder /x is in use', {
      cause: new Error('EEXIST'),
    });

    // Act
    serverLog.error('Local SQS server lost its journal', { error, dataDir: '/x' });

    // Assess
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 'ERROR',
      message: 'Local SQS server lost its journal',
      service: 'sqs-server',
      dataDir: '/x',
      error: {
        name: 'SqsServerConfigError',
        code: 'SQS_SERVER_CONFIG_INVALID',
        message: 'The SQS data folder /x is in use',
        cause: { name: 'Error', message: 'EEXIST' },
      },
    });
  });

  it('leaves out what is below LOG_LEVEL, and everything under SILENT', () => {
    // Prepare
    const lines = captureStderr();

    // Act
    vi.stubEnv('LOG_LEVEL', 'WARN');
    serverLog.info('below');
    serverLog.warn('at');
    vi.stubEnv('LOG_LEVEL', 'SILENT');
    serverLog.error('silenced');

    // Assess
    expect(lines.map((line) => (JSON.parse(line) as { message: string }).message)).toEqual(['at']);
  });
});
