'use strict';
// A local osls plugin (serverless.yml `plugins`) that runs scripts/bundle.ts before anything uses the
// bundles, so `serverless package`, `serverless deploy`, `serverless deploy function` and
// `serverless invoke local` and `serverless offline` never ship or run a stale or missing .build/<function>/index.mjs.
// `serverless deploy --package <dir>` deploys an existing package and bundles nothing.
// (CommonJS: osls loads plugins with require.)
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');

const bundle = (functions) => {
  const tsx = require.resolve('tsx/cli', { paths: [root] });
  const result = spawnSync(process.execPath, [tsx, path.join(__dirname, 'bundle.ts'), ...functions], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    throw new Error(`scripts/bundle.ts failed (${result.error?.message ?? `exit code ${result.status}`})`);
  }
};

class BundlePlugin {
  constructor(_serverless, options) {
    this.hooks = {
      'before:package:createDeploymentArtifacts': () => bundle([]),
      'before:package:function:package': () => bundle([options.function]),
      'before:invoke:local:invoke': () => bundle([options.function]),
      // serverless-offline runs the same bundles (`.build/<function>/index.handler`).
      // (`serverless offline` and `serverless offline start`).
      'before:offline:start': () => bundle([]),
      'before:offline:start:init': () => bundle([]),
    };
  }
}

module.exports = BundlePlugin;
