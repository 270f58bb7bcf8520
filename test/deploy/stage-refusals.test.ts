import { describe, expect, it } from 'vitest';
import { packageService } from '../../scripts/package.ts';

/**
 * What `npm run package` refuses before it bundles anything. Each refusal happens while osls resolves
 * serverless.yml (or at the start of `package`), so these runs take seconds, not a whole package.
 */
const refusalOf = async (...args: string[]) => {
  const result = await packageService([...args, '--package', '.build/refused-package']);
  expect(result.code, result.output).not.toBe(0);
  expect(result.output).not.toMatch(/bundled \d function|Service packaged/);
  return result.output;
};

describe('packaging a stage refuses', () => {
  it("a stage without its own policy, rather than shipping the emulator's policy/default.yaml", async () => {
    const output = await refusalOf('--stage', 'prod', '--param=alarmEmail=oncall@example.com');
    expect(output).toContain('Stage "prod" has no policy: create policy/prod.yaml');
  });

  it('a named policy file that does not exist', async () => {
    const output = await refusalOf('--stage', 'staging', '--param=policyFile=policy/missing.yaml');
    expect(output).toContain('policyFile "policy/missing.yaml" does not exist');
  });

  it('prod without an alarm destination (an e-mail or an existing SNS topic)', async () => {
    const output = await refusalOf('--stage', 'prod', '--param=policyFile=policy/example.yaml');
    expect(output).toContain('Stage "prod" needs somewhere to send its alarms');
    expect(output).toContain('alarmEmail');
  });

  it('an alarm destination that is neither an e-mail address nor an SNS topic ARN', async () => {
    const email = await refusalOf(
      '--stage',
      'staging',
      '--param=policyFile=policy/example.yaml',
      '--param=alarmEmail=oncall',
    );
    expect(email).toContain('alarmEmail "oncall" is not an e-mail address');
    const topic = await refusalOf(
      '--stage',
      'staging',
      '--param=policyFile=policy/example.yaml',
      '--param=alarmTopicArn=arn:aws:sqs:ap-southeast-1:111122223333:alarms',
    );
    expect(topic).toContain('is not an SNS topic ARN');
  });

  it('the local stage, which only runs against the local stack', async () => {
    const output = await refusalOf('--stage', 'local');
    expect(output).toContain('Stage "local" is the local stack\'s twin');
  });
});
