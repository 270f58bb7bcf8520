'use strict';
// The policy file of a stage, for serverless.yml (`${file(./scripts/stage-policy-file.cjs)}`):
// `policy/<stage>.yaml` when the repository has one, else `policy/default.yaml`. The chosen file is
// zipped with every function and named by POLICY_FILE. (CommonJS: osls loads resolvers with require.)
const { existsSync } = require('node:fs');
const path = require('node:path');

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  const own = `policy/${stage}.yaml`;
  return existsSync(path.join(__dirname, '..', own)) ? own : 'policy/default.yaml';
};
