import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import {
  type DynaliteServer,
  LOCAL_DYNAMO_CLIENT_CONFIG,
  startDynalite,
} from '#local/stack/dynalite-server.ts';
import { DynamoRequestStore } from '#shared/adapters/store/dynamo-request-store.ts';
import { ensureTable } from '#shared/adapters/store/table-definition.ts';

/**
 * dynalite for one test file (started before its tests, closed after them) and, per call of `store`,
 * the real DynamoDB store on a table of its own, so one test's records never meet another's.
 */
export const useDynaliteStores = (tablePrefix: string) => {
  let dynalite: DynaliteServer;
  let client: DynamoDBClient;
  let tables = 0;
  beforeAll(async () => {
    dynalite = await startDynalite({ port: 0 });
    client = new DynamoDBClient({ ...LOCAL_DYNAMO_CLIENT_CONFIG, endpoint: dynalite.url });
  });
  afterAll(async () => {
    client.destroy();
    await dynalite.close();
  });
  return {
    store: async (): Promise<DynamoRequestStore> => {
      tables += 1;
      const tableName = `${tablePrefix}-${tables}`;
      await ensureTable(client, tableName);
      return new DynamoRequestStore({ client, tableName });
    },
  };
};
