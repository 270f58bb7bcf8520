import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';

/** What `replica-flow up` writes to its data folder so `request` and `status` find the running stack. */
const stackFileSchema = z.strictObject({
  ingressUrl: z.url(),
  emulatorUrl: z.url().optional(),
  sqsUrl: z.url(),
  dynamoUrl: z.url(),
  apiKey: z.string().min(16),
  pid: z.number().int(),
});
export type StackFile = z.infer<typeof stackFileSchema>;

const fileIn = (dataDir: string) => path.join(dataDir, 'stack.json');

export const writeStackFile = (dataDir: string, stack: StackFile) =>
  writeFile(fileIn(dataDir), `${JSON.stringify(stack, null, 2)}\n`, { mode: 0o600 });

export const readStackFile = async (dataDir: string): Promise<StackFile | undefined> => {
  try {
    return stackFileSchema.parse(JSON.parse(await readFile(fileIn(dataDir), 'utf8')));
  } catch {
    return undefined;
  }
};
