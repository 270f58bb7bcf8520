/**
 * Waiting for a condition, never for a duration: one helper for every test, kept by the SQS server's
 * package (whose own tests may not reach into the product's `test/`) and exported as its `testing/`.
 */
export { type EventuallyOptions, eventually, until } from '@replica-flow/sqs-server/testing/eventually.ts';
