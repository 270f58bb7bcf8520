import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { apiClient, followRequest, timelineLine } from '#local/cli/api-client.ts';
import { parseFlags, UsageError } from '#local/cli/cli-flags.ts';
import { readStackFile } from '#local/cli/stack-file.ts';

const int = z.coerce.number().int();

const requestFlagsSchema = z.object({
  primary: z.string().min(1, 'the primary instance id is required (e.g. postgres-abcdef)'),
  region: z.string().optional(),
  zone: z.string().optional(),
  spec: z.string().optional(),
  storage: int.optional(),
  count: int.optional(),
  period: int.optional(),
  charge: z
    .enum(['postpaid', 'prepaid', 'POSTPAID_BY_HOUR', 'PREPAID'])
    .transform((value) => (value.toLowerCase().startsWith('post') ? 'POSTPAID_BY_HOUR' : 'PREPAID'))
    .optional(),
  vpc: z.string().optional(),
  subnet: z.string().optional(),
  'security-group': z.array(z.string()).optional(),
  name: z.string().optional(),
  'ro-group': z.string().optional(),
  tag: z
    .string()
    .regex(/^[^=]+=.*$/, 'expected key=value')
    .optional(),
  callback: z.url().optional(),
  'idempotency-key': z.string().min(1).max(255).optional(),
  'dry-run': z.boolean().optional(),
  wait: z.boolean().optional(),
  timeout: z.coerce.number().positive().default(600),
  url: z.url().optional(),
  'api-key': z.string().optional(),
  'data-dir': z.string().default(process.env.REPLICA_FLOW_DATA_DIR ?? '.data'),
  json: z.boolean().optional(),
});

type RequestFlags = z.infer<typeof requestFlagsSchema>;

/** The API body for the flags: only what was given; the policy fills the rest. */
export const requestBodyFromFlags = (flags: RequestFlags): Record<string, unknown> => {
  const [tagKey, ...tagValue] = flags.tag?.split('=') ?? [];
  const body: Record<string, unknown> = {
    MasterDBInstanceId: flags.primary,
    Region: flags.region,
    Zone: flags.zone,
    SpecCode: flags.spec,
    Storage: flags.storage,
    InstanceCount: flags.count,
    Period: flags.period,
    InstanceChargeType: flags.charge,
    VpcId: flags.vpc,
    SubnetId: flags.subnet,
    SecurityGroupIds: flags['security-group'],
    Name: flags.name,
    ReadOnlyGroupId: flags['ro-group'],
    TagList: tagKey ? { TagKey: tagKey, TagValue: tagValue.join('=') } : undefined,
    callback: flags.callback ? { url: flags.callback } : undefined,
    dryRun: flags['dry-run'],
  };
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
};

/** Finds the API: `--url`/`--api-key`, else the running local stack's `stack.json`. */
export const resolveApi = async (flags: { url?: string; 'api-key'?: string; 'data-dir': string }) => {
  const stack = await readStackFile(flags['data-dir']);
  const url = flags.url ?? stack?.ingressUrl;
  const apiKey = flags['api-key'] ?? process.env.REPLICA_FLOW_API_KEY ?? stack?.apiKey;
  if (!url || !apiKey) {
    throw new UsageError(
      `no running stack found in ${flags['data-dir']}: start one with \`npm start\`, or pass --url and --api-key`,
    );
  }
  return apiClient(url, apiKey);
};

/** `replica-flow request --primary … [--wait]`: submits a request; `--wait` follows it to the end. */
export const requestCommand = async (argv: readonly string[]): Promise<number> => {
  const { flags } = parseFlags(
    argv,
    {
      primary: { type: 'string' },
      region: { type: 'string' },
      zone: { type: 'string' },
      spec: { type: 'string' },
      storage: { type: 'string' },
      count: { type: 'string' },
      period: { type: 'string' },
      charge: { type: 'string' },
      vpc: { type: 'string' },
      subnet: { type: 'string' },
      'security-group': { type: 'string', multiple: true },
      name: { type: 'string' },
      'ro-group': { type: 'string' },
      tag: { type: 'string' },
      callback: { type: 'string' },
      'idempotency-key': { type: 'string' },
      'dry-run': { type: 'boolean' },
      wait: { type: 'boolean' },
      timeout: { type: 'string' },
      url: { type: 'string' },
      'api-key': { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
    },
    requestFlagsSchema,
  );
  const client = await resolveApi(flags);
  const key = flags['idempotency-key'] ?? `cli-${randomUUID()}`;
  const answer = await client.submit(requestBodyFromFlags(flags), key);
  process.stdout.write(
    flags.json
      ? `${JSON.stringify(answer)}\n`
      : `${answer.replayed ? 'already known' : 'queued'}: ${answer.requestId} (${answer.state}), idempotency key ${key}\n`,
  );
  if (!flags.wait) return 0;
  const started = Date.now();
  const view = await followRequest(client, answer.requestId, {
    timeoutMs: flags.timeout * 1000,
    onHistory: (entry) => process.stdout.write(`${timelineLine(entry, started)}\n`),
  });
  process.stdout.write(`${JSON.stringify(view, null, flags.json ? 0 : 2)}\n`);
  return view.state === 'READY' || view.state === 'DRY_RUN' ? 0 : 1;
};
