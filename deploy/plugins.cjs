'use strict';
// serverless.yml `plugins`. serverless-offline (a devDependency) is listed where it is installed, so that
// a tree installed before it was added still packages and deploys. (CommonJS: osls loads resolvers with require.)
const PLUGINS = [
  // Bundles the functions (scripts/bundle.ts) before package, deploy, invoke local and offline use them.
  './scripts/bundle-plugin.cjs',
  // Refuses to package or deploy the local stages; sets termination protection after a deploy.
  './deploy/stage-plugin.cjs',
];

const { existsSync } = require('node:fs');
const path = require('node:path');

/** Whether the project's node_modules holds the package (its `exports` may hide package.json from require). */
const installed = (name) => existsSync(path.join(__dirname, '..', 'node_modules', name, 'package.json'));

module.exports = () => [...PLUGINS, ...(installed('serverless-offline') ? ['serverless-offline'] : [])];
