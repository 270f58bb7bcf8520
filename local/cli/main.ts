import { UsageError } from '#local/cli/cli-flags.ts';
import { demoCommand } from '#local/cli/demo-command.ts';
import { dlqCommand, dlqRedriveCommand } from '#local/cli/dlq-command.ts';
import { fleetCommand } from '#local/cli/fleet-command.ts';
import { requestCommand } from '#local/cli/request-command.ts';
import { statusCommand } from '#local/cli/status-command.ts';
import { upCommand } from '#local/cli/up-command.ts';

const USAGE = `replica-flow — read-only replicas of TencentDB for PostgreSQL, exactly once

  replica-flow up [--port 8080] [--emulator-port 9080] [--data-dir .data] [--policy policy/default.yaml]
                  [--poll-interval 2] [--tencent emulator|live]
  replica-flow request --primary <id> [--region --zone --spec --storage --count --period --charge
                  --vpc --subnet --security-group --name --ro-group --tag k=v --callback <url>
                  --idempotency-key <k> --dry-run --wait --timeout <s> --url <api> --api-key <key> --json]
  replica-flow status <request-id> [--url <api> --api-key <key>]
  replica-flow fleet [--primary <id> [--region <r>]] [--json] [--url <api> --api-key <key>]
                  replicas, their price, policy room, budgets, orphans and drift (a reader/admin key)
  replica-flow demo
  replica-flow dlq list [--queue requests|create|notify] [--max 100] [--json]
  replica-flow dlq redrive <requests|create|notify> [--request <id>]… [--wait] [--json]
  replica-flow redrive <queue> …   (= dlq redrive)
                  dead-letter commands act on the local stack of --data-dir, or with --aws [--stage <s>
                  --prefix <p> --table <t> --region <r>] on AWS (default credential chain)
`;

const commands: Record<string, (argv: readonly string[]) => Promise<number>> = {
  up: upCommand,
  request: requestCommand,
  status: statusCommand,
  fleet: fleetCommand,
  demo: demoCommand,
  dlq: dlqCommand,
  redrive: dlqRedriveCommand,
};

const main = async (argv: readonly string[]): Promise<number> => {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command "${name}"\n\n${USAGE}`);
  return command(rest);
};

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`replica-flow: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
