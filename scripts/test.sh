#!/usr/bin/env bash
# Runs the whole test suite against real servers: starts its own NATS, Redis and PostgreSQL under
# .vigil/test (so a running dev stack is left alone), builds, runs `swift test`, stops the servers.
# Extra arguments go to `swift test` (e.g. scripts/test.sh --filter VigilCoreTests).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo"
need_swift
export VIGIL_STACK_DIR=$repo/.vigil/test
scripts/stack.sh up
trap 'scripts/stack.sh down' EXIT
set -a; . "$VIGIL_STACK_DIR/env"; set +a
echo "[test] building"
swift build --build-tests --quiet
swift test --skip-build "$@"
