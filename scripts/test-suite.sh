#!/usr/bin/env bash
# `npm test` and `npm run test:all`: biome, then the type check and the tests at once (tsc is one
# thread; the tests leave part of the second core idle while the local stacks wait on their queues),
# on the given Node.js binary. Fails when any of them fails; the type errors print after the tests.
#
#   bash scripts/test-suite.sh <node binary> [vitest arguments]
set -uo pipefail
cd "$(dirname "$0")/.."
npm run --silent lint || exit 1
types="$(mktemp)"
trap 'rm -f "$types"' EXIT
npm run --silent typecheck >"$types" 2>&1 &
types_pid=$!
bash scripts/vitest-on-node.sh "$@"
tests=$?
wait "$types_pid"
typecheck=$?
if [ "$typecheck" -ne 0 ]; then
  echo "npm run typecheck failed:"
  cat "$types"
fi
[ "$tests" -eq 0 ] && [ "$typecheck" -eq 0 ]
