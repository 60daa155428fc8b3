#!/usr/bin/env bash
# Build (or reuse cached) harness binaries from the pinned Go wrapper modules in
# test/harness/go/{kube,etcd,kwok,istio}.
#
# Binaries are cached per module, keyed by a hash of that module's go.mod, go.sum,
# Go sources, the build flags below and the Go version, under
#   ${HARNESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/istio-ts-harness}/<module>-<hash>/
# and collected (symlinks) in <cache>/bin-<hash-of-all>/. A warm run only hashes files.
#
# Prints the bin directory on the last line of stdout (progress goes to stderr).
# Env: HARNESS_SKIP_KUBECTL=1 skips kubectl; HARNESS_SKIP_ISTIOCTL=1 skips istioctl (the
#      harness then needs HARNESS_ISTIO_MANIFEST pointing at a pre-rendered manifest);
#      HARNESS_SKIP_DATAPLANE=1 skips the real data plane (pilot-agent and Envoy, see envoy.sh).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GODIR="$HERE/go"
CACHE="${HARNESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/istio-ts-harness}"
export GOTOOLCHAIN=local CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:-} -trimpath"

log() { printf '[harness-build] %s\n' "$*" >&2; }

command -v go >/dev/null || { log "go not found on PATH"; exit 1; }
GOVER="$(go env GOVERSION)"

# --- pinned versions (must match the go.mod files) ----------------------------------
KUBE_VERSION=v1.36.3
KUBE_MINOR=36
ISTIO_VERSION=1.31-dev
ISTIO_REVISION=eed52ebb66ad

KUBE_LDFLAGS="-s -w \
 -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1 \
 -X k8s.io/component-base/version.gitMinor=$KUBE_MINOR -X k8s.io/component-base/version.gitTreeState=clean \
 -X k8s.io/component-base/version.gitCommit=0000000000000000000000000000000000000000 \
 -X k8s.io/component-base/version.buildDate=2026-01-01T00:00:00Z \
 -X k8s.io/client-go/pkg/version.gitVersion=$KUBE_VERSION -X k8s.io/client-go/pkg/version.gitMajor=1 \
 -X k8s.io/client-go/pkg/version.gitMinor=$KUBE_MINOR -X k8s.io/client-go/pkg/version.gitTreeState=clean"
ISTIO_LDFLAGS="-s -w \
 -X istio.io/istio/pkg/version.buildVersion=$ISTIO_VERSION \
 -X istio.io/istio/pkg/version.buildGitRevision=$ISTIO_REVISION \
 -X istio.io/istio/pkg/version.buildStatus=Clean -X istio.io/istio/pkg/version.buildTag=$ISTIO_VERSION \
 -X istio.io/istio/pkg/version.buildOS=linux -X istio.io/istio/pkg/version.buildArch=amd64"
ISTIO_TAGS="vtprotobuf,disable_pgv"

KUBE_MAINS=(kube-apiserver kube-controller-manager kube-scheduler)
[[ "${HARNESS_SKIP_KUBECTL:-0}" == 1 ]] || KUBE_MAINS+=(kubectl)
ISTIO_MAINS=(istio.io/istio/pilot/cmd/pilot-discovery)
[[ "${HARNESS_SKIP_ISTIOCTL:-0}" == 1 ]] || ISTIO_MAINS+=(istio.io/istio/istioctl/cmd/istioctl)

module_key() { # module dir, source subdir ("" = none), extra strings...
  local mod="$1" src="$2"; shift 2
  {
    printf '%s\n' "$GOVER" "$@"
    (cd "$GODIR/$mod" && sha256sum go.mod go.sum &&
      if [[ -n "$src" ]]; then find "$src" -type f -name '*.go' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum; fi)
  } | sha256sum | cut -c1-16
}

# build_module <module dir> <cache name> <key> <ldflags> <tags> <main packages...>
build_module() {
  local mod="$1" name="$2" key="$3" ldflags="$4" tags="$5"; shift 5
  local out="$CACHE/$name-$key"
  if [[ -f "$out/.complete" ]]; then
    log "$mod: cached ($out)"
    return 0
  fi
  local tmp="$out.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  log "$mod: building $* ..."
  local t0=$SECONDS
  (cd "$GODIR/$mod" && go build ${tags:+-tags="$tags"} -ldflags "$ldflags" -o "$tmp/" "$@")
  log "$mod: built in $((SECONDS - t0))s"
  touch "$tmp/.complete"
  rm -rf "$out"; mv "$tmp" "$out"
}

mkdir -p "$CACHE"
K_KUBE=$(module_key kube "" "$KUBE_LDFLAGS" "${KUBE_MAINS[*]}")
K_ETCD=$(module_key etcd . "etcd-v1")
K_KWOK=$(module_key kwok "" "kwok-v1")
K_ISTIO=$(module_key istio "" "$ISTIO_LDFLAGS" "$ISTIO_TAGS" "${ISTIO_MAINS[*]}")
K_SIDECAR=$(module_key istio cmd/fake-sidecar "sidecar-v1")
# The real data plane (opt-in per pod, see test/harness/dataplane.sh): pilot-agent from the same
# pinned istio module, plus Istio's envoy_bootstrap.json template copied from that module. One
# change: the agent's status server (15020) listens on 127.0.0.1 instead of every interface, so
# that several agents share the host and nothing of the harness binds a non-loopback address.
# Go refuses build overlays inside GOMODCACHE, so the agent is built from a temporary wrapper
# module (go/istio's go.mod + go.sum) whose `replace` points at a patched copy of the module.
STATUS_LISTEN_FROM='net.Listen("tcp", fmt.Sprintf(":%d", s.statusPort))'
STATUS_LISTEN_TO='net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", s.statusPort))'
K_AGENT=$(module_key istio "" "$ISTIO_LDFLAGS" "$ISTIO_TAGS" "agent-v2" "$STATUS_LISTEN_TO")

build_agent() {
  local out="$CACHE/agent-$K_AGENT"
  if [[ -f "$out/.complete" ]]; then log "pilot-agent: cached ($out)"; return 0; fi
  local moddir tmp="$out.tmp.$$"
  moddir="$(cd "$GODIR/istio" && go mod download istio.io/istio && go list -m -f '{{.Dir}}' istio.io/istio)"
  rm -rf "$tmp"; mkdir -p "$tmp/wrap" "$tmp/bin"
  cp -r "$moddir" "$tmp/istio"; chmod -R u+w "$tmp/istio"
  local status_go="$tmp/istio/pilot/cmd/pilot-agent/status/server.go"
  grep -qF "$STATUS_LISTEN_FROM" "$status_go" || { log "pilot-agent: status/server.go no longer has: $STATUS_LISTEN_FROM"; return 1; }
  awk -v from="$STATUS_LISTEN_FROM" -v to="$STATUS_LISTEN_TO" '{ i = index($0, from); if (i) $0 = substr($0, 1, i - 1) to substr($0, i + length(from)); print }' \
    "$status_go" >"$status_go.new" && mv "$status_go.new" "$status_go"
  cp "$GODIR/istio/go.mod" "$GODIR/istio/go.sum" "$tmp/wrap/"
  sed -i '/^tool (/,/^)/d' "$tmp/wrap/go.mod"
  printf '\nreplace istio.io/istio => %s\n' "$tmp/istio" >>"$tmp/wrap/go.mod"
  log "pilot-agent: building (status server on 127.0.0.1) ..."
  local t0=$SECONDS
  (cd "$tmp/wrap" && go build -tags="$ISTIO_TAGS" -ldflags "$ISTIO_LDFLAGS" -o "$tmp/bin/" istio.io/istio/pilot/cmd/pilot-agent)
  cp "$moddir/tools/packaging/common/envoy_bootstrap.json" "$tmp/bin/envoy_bootstrap_tmpl.json"
  chmod 0644 "$tmp/bin/envoy_bootstrap_tmpl.json"
  log "pilot-agent: built in $((SECONDS - t0))s"
  touch "$tmp/bin/.complete"
  rm -rf "$out"; mv "$tmp/bin" "$out"; rm -rf "$tmp"
}

build_module istio istio "$K_ISTIO" "$ISTIO_LDFLAGS" "$ISTIO_TAGS" "${ISTIO_MAINS[@]}"
build_module istio sidecar "$K_SIDECAR" "-s -w" "" ./cmd/fake-sidecar
# the etcd wrapper's binary is named after the module's last path element: etcd
if ! build_module etcd etcd "$K_ETCD" "-s -w" "" .; then
  # fallback: Debian's etcd-server (3.4.x); scripts/harness.sh uses /usr/bin/etcd when the bin dir has none
  log "etcd: build failed; falling back to Debian etcd-server"
  command -v etcd >/dev/null || { { apt-get update -q && apt-get install -y -q etcd-server; } >&2 || { log "no etcd available"; exit 1; }; }
fi
build_module kwok kwok "$K_KWOK" "-s -w" "" sigs.k8s.io/kwok/cmd/kwok sigs.k8s.io/kwok/cmd/kwokctl
build_module kube kube "$K_KUBE" "$KUBE_LDFLAGS" "" "${KUBE_MAINS[@]/#/k8s.io/kubernetes/cmd/}"

DIRS=("etcd-$K_ETCD" "kwok-$K_KWOK" "kube-$K_KUBE" "istio-$K_ISTIO" "sidecar-$K_SIDECAR")
ENVOY=""
if [[ "${HARNESS_SKIP_DATAPLANE:-0}" != 1 ]]; then
  build_agent
  DIRS+=("agent-$K_AGENT")
  ENVOY="$(bash "$HERE/envoy.sh" | tail -n1)"
fi

ALL=$(printf '%s\n' "$K_KUBE" "$K_ETCD" "$K_KWOK" "$K_ISTIO" "$K_SIDECAR" ${ENVOY:+"$K_AGENT" "$ENVOY"} | sha256sum | cut -c1-16)
BIN="$CACHE/bin-$ALL"
if [[ ! -f "$BIN/.complete" ]]; then
  rm -rf "$BIN"; mkdir -p "$BIN"
  for d in "${DIRS[@]}"; do
    for f in "$CACHE/$d"/*; do [[ -e "$f" ]] && ln -sf "$f" "$BIN/$(basename "$f")"; done
  done
  [[ -z "$ENVOY" ]] || ln -sf "$ENVOY" "$BIN/envoy"
  touch "$BIN/.complete"
fi
log "binaries in $BIN"
echo "$BIN"
