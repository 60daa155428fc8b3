#!/usr/bin/env bash
# Builds (or reuses) the helm CLI the tag e2e installs Istio with, the way our first user does:
# helm.sh/helm/v4 cmd/helm at the version the pinned istio module requires (its go.mod lists
# helm.sh/helm/v4 as a library), built inside a copy of the harness's istio wrapper module so
# the module graph (and the download cache) is the one the harness already has.
#
# Cached under ${HARNESS_CACHE:-~/.cache/istio-ts-harness}/helm-<key>/helm, keyed by the wrapper
# module's go.mod/go.sum and the Go version. Prints the helm binary path on the last line.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MOD="$HERE/../../harness/go/istio"
CACHE="${HARNESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/istio-ts-harness}"
export GOTOOLCHAIN=local CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:-} -trimpath"
log() { printf '[helm-build] %s\n' "$*" >&2; }
command -v go >/dev/null || { log "go not found on PATH"; exit 1; }
HELM_VERSION="$(cd "$MOD" && go list -m -f '{{.Version}}' helm.sh/helm/v4)"
KEY="$( { go env GOVERSION; echo "$HELM_VERSION"; sha256sum "$MOD/go.mod" "$MOD/go.sum"; } | sha256sum | cut -c1-16)"
OUT="$CACHE/helm-$KEY"
if [[ -f "$OUT/.complete" ]]; then
  log "cached ($OUT)"
else
  TMP="$(mktemp -d)"
  trap 'rm -rf "$TMP"' EXIT
  cp "$MOD/go.mod" "$MOD/go.sum" "$TMP/"
  log "building helm $HELM_VERSION ..."
  t0=$SECONDS
  (cd "$TMP" && go build -mod=mod -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION" -o "$TMP/out/helm" helm.sh/helm/v4/cmd/helm)
  log "built in $((SECONDS - t0))s"
  mkdir -p "$OUT.tmp.$$"; mv "$TMP/out/helm" "$OUT.tmp.$$/helm"; touch "$OUT.tmp.$$/.complete"
  rm -rf "$OUT"; mv "$OUT.tmp.$$" "$OUT"
fi
echo "$OUT/helm"
