#!/usr/bin/env bash
# Installs Debian's `prometheus` package (prometheus + promtool) for the health e2e suite and the
# promtool rule checks. Idempotent and quiet: does nothing when both binaries are on PATH.
# Only the binaries are used: the tests start their own Prometheus on 127.0.0.1 with their own
# config; the Debian service is not started (no init system in CI, and policy-rc.d forbids it).
set -euo pipefail
if command -v prometheus >/dev/null && command -v promtool >/dev/null; then exit 0; fi
log() { printf '[install-prometheus] %s\n' "$*" >&2; }
[[ "$(id -u)" == 0 ]] || { log "needs root (apt-get install prometheus)"; exit 1; }
export DEBIAN_FRONTEND=noninteractive
# Keep the package's postinst from starting its own server on :9090.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e "$policy" ]]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created_policy=1; fi
trap '[[ $created_policy == 1 ]] && rm -f "$policy"' EXIT
apt-get install -y -q --no-install-recommends prometheus >/dev/null 2>&1 || {
  apt-get update -q >/dev/null 2>&1
  apt-get install -y -q --no-install-recommends prometheus >/dev/null
}
command -v promtool >/dev/null || { log "promtool missing after installing prometheus"; exit 1; }
log "installed $(prometheus --version 2>&1 | head -n1)"
