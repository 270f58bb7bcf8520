'use strict';
// A local osls plugin (serverless.yml `plugins`) for what CloudFormation itself cannot say:
// - the local stages (deploy/stages.cjs) are never packaged or deployed: their wiring names the local
//   stack's endpoints, not the stack's own resources;
// - after a deploy, the stack's termination protection is set to the stage's `terminationProtection`
//   (custom.terminationProtection; on for prod), so `serverless remove` or a stray delete-stack cannot
//   take a protected stage down (turn it off with --param="terminationProtection=false" and a deploy).
// (CommonJS: osls loads plugins with require.)
const { LOCAL_STAGES } = require('./stages.cjs');

class StagePlugin {
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    this.hooks = {
      'before:package:initialize': () => this.refuseLocalStage('package'),
      'before:deploy:deploy': () => this.refuseLocalStage('deploy'),
      'after:deploy:deploy': () => this.applyTerminationProtection(),
    };
  }

  stage() {
    return this.serverless.getProvider('aws').getStage();
  }

  refuseLocalStage(command) {
    const stage = this.stage();
    if (LOCAL_STAGES.includes(stage)) {
      throw new this.serverless.classes.Error(
        `Stage "${stage}" is the local stack's twin (invoke local, offline) and is never ${command === 'deploy' ? 'deployed' : 'packaged'}: ` +
          `pass --stage <name>, e.g. \`npm run package -- --stage prod\``,
      );
    }
  }

  async applyTerminationProtection() {
    const wanted = String(this.serverless.service.custom?.terminationProtection) === 'true';
    const provider = this.serverless.getProvider('aws');
    await provider.request('CloudFormation', 'updateTerminationProtection', {
      StackName: provider.naming.getStackName(),
      EnableTerminationProtection: wanted,
    });
    this.serverless.cli.log(`Stack termination protection ${wanted ? 'on' : 'off'}`);
  }
}

module.exports = StagePlugin;
