'use strict';
// deploy/shape.yml for the CommonJS resolvers of serverless.yml (the local stack reads it through
// local/stack/deployment-shape.ts).
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { parse } = require('yaml');

let cached;
const deploymentShape = () => {
  cached ??= parse(readFileSync(path.join(__dirname, 'shape.yml'), 'utf8'));
  return cached;
};

module.exports = { deploymentShape };
