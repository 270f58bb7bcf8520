import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import {
  generateLocalAlertCredentials,
  type LocalAlertCredentials,
  localAlertCredentialsSchema,
} from '#local/stack/local-alert-credentials.ts';

/** The development API key, webhook signing secret and alert-source tokens of one local data folder. */
export interface LocalCredentials {
  readonly apiKey: string;
  readonly webhookSecret: string;
  /** Tokens of the alert sources (Alertmanager, Cloud Monitor, CloudWatch, Grafana). */
  readonly alerts: LocalAlertCredentials;
}

const credentialsSchema = z.strictObject({
  apiKey: z.string().min(16),
  webhookSecret: z.string().startsWith('whsec_'),
  // Optional so that folders made before the alert sources existed keep their other credentials.
  alerts: localAlertCredentialsSchema.optional(),
});

/** The name the development API key is recorded under (requester identity, idempotency scope `api:local-dev`). */
export const LOCAL_API_KEY_NAME = 'local-dev';

/**
 * `REPLICA_FLOW_API_KEYS` of the local stack: the development key as `admin`, so the CLI's `request`
 * and `status` (and `status` of a Slack-, Jira- or alert-made request) keep working as they did.
 */
export const localApiKeysSetting = (credentials: Pick<LocalCredentials, 'apiKey'>): string =>
  `${LOCAL_API_KEY_NAME}:${credentials.apiKey}:admin`;

/**
 * Generated once per data folder and kept there (mode 0600), so a restart keeps the same key.
 * `REPLICA_FLOW_API_KEY` and `WEBHOOK_SIGNING_SECRET` override them.
 */
export const loadOrCreateLocalCredentials = async (dataDir: string): Promise<LocalCredentials> => {
  const file = path.join(dataDir, 'local-credentials.json');
  let stored: z.infer<typeof credentialsSchema> | undefined;
  try {
    stored = credentialsSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch {
    stored = undefined;
  }
  if (!stored) {
    stored = {
      apiKey: `rf_local_${randomBytes(18).toString('base64url')}`,
      webhookSecret: `whsec_${randomBytes(32).toString('base64')}`,
    };
  }
  const alerts = stored.alerts ?? generateLocalAlertCredentials();
  if (!stored.alerts) {
    stored = { ...stored, alerts };
    await writeFile(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  }
  return {
    apiKey: process.env.REPLICA_FLOW_API_KEY || stored.apiKey,
    webhookSecret: process.env.WEBHOOK_SIGNING_SECRET || stored.webhookSecret,
    alerts,
  };
};
