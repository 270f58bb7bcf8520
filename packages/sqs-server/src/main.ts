import { parseArgs } from 'node:util';
import { serverLog } from '#sqs-server/server-log.ts';
import { startSqsServer } from '#sqs-server/sqs-server.ts';

/**
 * Runs the local SQS server on its own:
 * `npx sqs-server --port 9324 --data-dir .data/sqs` (bin/sqs-server.js)
 * then `AWS_ENDPOINT_URL_SQS=http://127.0.0.1:9324 aws sqs list-queues`.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.SQS_PORT ?? '9324' },
    host: { type: 'string', default: process.env.SQS_HOST ?? '127.0.0.1' },
    'data-dir': { type: 'string', default: process.env.SQS_DATA_DIR },
    region: { type: 'string', default: process.env.AWS_REGION ?? 'ap-southeast-1' },
    'compact-after-entries': { type: 'string', default: process.env.SQS_COMPACT_AFTER_ENTRIES },
  },
});

const server = await startSqsServer({
  port: Number(values.port),
  host: values.host,
  region: values.region,
  ...(values['data-dir'] && { dataDir: values['data-dir'] }),
  ...(values['compact-after-entries'] && {
    compactAfterEntries: Number(values['compact-after-entries']),
  }),
});
serverLog.info('Local SQS server listening', { url: server.url, dataDir: values['data-dir'] ?? null });
// One machine-readable line on stdout for scripts and tests that start this process.
process.stdout.write(`${JSON.stringify({ sqsServerUrl: server.url })}\n`);

const shutdown = (): void => {
  void server.close().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
