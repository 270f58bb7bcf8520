/**
 * The two SSM names `secrets.ts` uses, in a module of their own: `secrets.ts` imports this module only
 * when a parameter is named, and a bundler keeps just these two of the SSM client's exports (importing
 * `@aws-sdk/client-ssm` itself lazily would bring every SSM command into the bundle).
 */
export { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
