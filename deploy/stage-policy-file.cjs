'use strict';
// The policy file of a stage, for serverless.yml (`policyFile: ${file(./deploy/stage-policy-file.cjs)}`):
// `--param=policyFile=<file>` when given, else `policy/<stage>.yaml`. Only the local stages (LOCAL_STAGES:
// `invoke local` and `serverless offline` against the local stack, never deployed) fall back to
// policy/default.yaml, the emulator's policy; any other stage without its own policy is refused, so a
// deploy never ships the emulator's primaries and limits. The chosen file is zipped with every function
// and named by POLICY_FILE. (CommonJS: osls loads resolvers with require.)
const { existsSync } = require('node:fs');
const path = require('node:path');
const { LOCAL_STAGES, deployError } = require('./stages.cjs');

const root = path.join(__dirname, '..');

/** The `--param=policyFile=…` of the command line, if any (osls passes `param` as a list of `name=value`). */
const paramFromCommandLine = (options, name) => {
  const given = [].concat(options?.param ?? []).find((entry) => String(entry).startsWith(`${name}=`));
  return given === undefined ? undefined : String(given).slice(name.length + 1);
};

const stagePolicyFile = (stage, options) => {
  const given = paramFromCommandLine(options, 'policyFile');
  if (given !== undefined) {
    if (!existsSync(path.join(root, given)))
      throw deployError(`policyFile "${given}" does not exist`, 'POLICY_FILE_MISSING');
    return given;
  }
  const own = `policy/${stage}.yaml`;
  if (existsSync(path.join(root, own))) return own;
  if (LOCAL_STAGES.includes(stage)) return 'policy/default.yaml';
  throw deployError(
    `Stage "${stage}" has no policy: create ${own} (the format is policy/example.yaml: allowed primaries, ` +
      'regions, specs, limits) or pass --param="policyFile=<file>". policy/default.yaml is the local ' +
      `emulator's policy and is shipped only to the local stages (${LOCAL_STAGES.join(', ')}).`,
    'STAGE_POLICY_MISSING',
  );
};

module.exports = async ({ resolveVariable, options }) =>
  stagePolicyFile(await resolveVariable('sls:stage'), options);
module.exports.stagePolicyFile = stagePolicyFile;
