import { Client } from 'tencentcloud-sdk-nodejs/tencentcloud/services/postgres/v20170312/postgres_client.js';

/**
 * Every action of the real postgres 2017-03-12 API, read from the SDK client's methods. An action
 * in this set that the emulator does not implement is `UnsupportedOperation`, not `InvalidAction`:
 * the call is right, the emulator is what falls short.
 */
export const REAL_POSTGRES_ACTIONS: ReadonlySet<string> = new Set(
  Object.getOwnPropertyNames(Client.prototype).filter((name) => /^[A-Z]/.test(name)),
);

export const SERVICE = 'postgres';
export const API_VERSION = '2017-03-12';
