/** A SecretId / SecretKey pair the emulator accepts. */
export interface EmulatorCredential {
  readonly secretId: string;
  readonly secretKey: string;
}

/**
 * The built-in test key pair, documented in the emulator README. It only works against the
 * emulator: it is not, and never was, a Tencent Cloud key. Shaped like a real one
 * (`AKID` + 32 characters, 32-character key) so format checks in client code pass.
 */
export const EMULATOR_CREDENTIALS: EmulatorCredential = {
  secretId: 'AKIDreplicaflowEMULATOR0000000000000',
  secretKey: 'replicaflowEmulatorSecretKey0000',
};

/**
 * Every key pair the emulator accepts: the built-in pair, the pair in `TENCENTCLOUD_SECRET_ID` /
 * `TENCENTCLOUD_SECRET_KEY` when both are set, and any extra pairs given by the caller.
 */
export const acceptedCredentials = (
  env: NodeJS.ProcessEnv = process.env,
  extra: readonly EmulatorCredential[] = [],
): readonly EmulatorCredential[] => {
  const pairs: EmulatorCredential[] = [EMULATOR_CREDENTIALS, ...extra];
  const secretId = env.TENCENTCLOUD_SECRET_ID;
  const secretKey = env.TENCENTCLOUD_SECRET_KEY;
  if (secretId && secretKey) pairs.push({ secretId, secretKey });
  const bySecretId = new Map(pairs.map((pair) => [pair.secretId, pair]));
  return [...bySecretId.values()];
};
