'use strict';
// The local stages: `serverless invoke local` and `serverless offline` against the local stack
// (`npm start`). `local` is the default stage, so `serverless invoke local -f poll -p events/…` needs no
// --stage. They are never packaged or deployed (deploy/stage-guard-plugin.cjs refuses), and only they may
// run with policy/default.yaml, the emulator's policy.
module.exports = { LOCAL_STAGES: ['local'] };

/** An error osls reports as the user's (its message alone, no stack trace). */
module.exports.deployError = (message, code) => {
  try {
    const ServerlessError = require(require.resolve('osls/lib/serverless-error', { paths: [__dirname] }));
    return new ServerlessError(message, code);
  } catch {
    return Object.assign(new Error(message), { code });
  }
};
