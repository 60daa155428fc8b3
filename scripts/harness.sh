#!/usr/bin/env bash
# Real-cluster test harness on loopback: kube-apiserver + etcd + KCM + scheduler + KWOK
# (kwokctl binary runtime), a real istiod on the host and a fake sidecar per injected pod.
#
#   scripts/harness.sh build        build or reuse cached binaries (prints the bin dir)
#   scripts/harness.sh up           start everything; prints `export KUBECONFIG=...`
#   scripts/harness.sh env          print the exports and install flags for this harness
#   scripts/harness.sh down         stop every process it started (by pid) and delete state
#   scripts/harness.sh status       show pids and health
#   scripts/harness.sh istiod       (re)start istiod + fake sidecar only (after your own install)
#   scripts/harness.sh revision <rev> flags|up|down   a second istiod for control plane revision <rev>
#                   (opt-in; see `revision_usage` below and test/harness/README.md "A second revision")
#   scripts/harness.sh proxies <n> [namespace]   n injected pods (a Deployment in <namespace>, default
#                   istio-ts-proxies), each a fake sidecar connected to the real istiod; waits until
#                   istiod lists exactly n of them; 0 deletes the namespace. For n > ~100, bring the
#                   harness up with HARNESS_NODE_PODS (see below).
#   scripts/harness.sh dataplane …  the real data plane (test/harness/dataplane.sh), e.g. by hand:
#       eval "$(scripts/harness.sh env)"
#       kubectl apply -f test/harness/manifests/dataplane-telemetry.yaml
#       # a pod labelled istio-ts.dev/proxy=real on node kwok-dp-0 (toleration istio-ts.dev/dataplane),
#       # its Sidecar binding the pod IP, a ServiceEntry with the Service's host (see test/harness/README.md)
#       scripts/harness.sh dataplane app-up reviews 18080 ok
#       scripts/harness.sh dataplane proxy-up <ns> <pod>          # pilot-agent + Envoy, prints the admin port
#       scripts/harness.sh dataplane drive --url http://<client pod IP>:9080/ --host reviews.<ns>.svc.cluster.local
#       scripts/harness.sh dataplane down                          # (`down` does this too)
#
# Env:
#   HARNESS_DIR      runtime state (default: <repo>/.harness/run; `npm run test:e2e` and
#                    scripts/ci-e2e.sh use a fresh .harness/e2e-<pid> / .harness/ci-<pid> per run)
#   HARNESS_BIN      use binaries from this directory instead of building
#   HARNESS_PORT_OFFSET  added to istiod's host ports (15010/15012/15014/15017/8080/9876), so that
#                    several harnesses can run on one machine; pods still see 150xx. Default `auto`:
#                    `up` takes the first free of 0, 1000, ..., 5000 and records it for env/down.
#   HARNESS_NODE_PODS  opt-in, e.g. 1100: kwok-node-0 holds that many pods (default 110), with CPU
#                    (n/4 cores, at least 32), memory (n/2 GiB, at least 256) and a podCIDR (10.0.0.0/21
#                    for 1100) sized to match, so that `proxies 1000` fits. Read by `up`.
#   HARNESS_INSTALL  istioctl (default): render Istio with the pinned istioctl
#                    (`manifest generate` + URL webhooks) and apply it, then start istiod;
#                    none: cluster only (run your own install, then `harness.sh istiod`)
#
# Loopback only: every server binds 127.0.0.1; the node's only address is `localhost`;
# webhooks are URL webhooks at https://localhost:15017; nothing dials pod/service IPs.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
H="$REPO/test/harness"
RUN="${HARNESS_DIR:-$REPO/.harness/run}"
CLUSTER=istio-ts
KCFG="$RUN/kubeconfig"
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

set_ports() { # offset
  OFF="$1"
  P_XDS=$((15010 + OFF)) P_XDSTLS=$((15012 + OFF)) P_MON=$((15014 + OFF)) P_WEBHOOK=$((15017 + OFF))
  P_HTTP=$((8080 + OFF)) P_CTRLZ=$((9876 + OFF))
  INSTALL_FLAGS="--set values.istiodRemote.injectionURL=https://localhost:$P_WEBHOOK/inject --set values.base.validationURL=https://localhost:$P_WEBHOOK/validate"
}

ports_free() { # offset
  local o="$1" p
  for p in 15010 15012 15014 15017 8080 9876; do port_busy $((p + o)) && return 1; done
  return 0
}

# The offset in use: explicit HARNESS_PORT_OFFSET, else the one `up` recorded, else 0.
# HARNESS_PORT_OFFSET=auto (or unset) lets `up` pick the first free one of 0, 1000, ..., 5000.
OFF_REQ="${HARNESS_PORT_OFFSET:-auto}"
if [[ "$OFF_REQ" == auto ]]; then
  if [[ -f "$RUN/port-offset" ]]; then set_ports "$(cat "$RUN/port-offset")"; else set_ports 0; fi
else
  set_ports "$OFF_REQ"
fi

log() { printf '[harness] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

bin_dir() {
  if [[ -n "${HARNESS_BIN:-}" ]]; then echo "$HARNESS_BIN"; return; fi
  if [[ -f "$RUN/bin" ]]; then cat "$RUN/bin"; return; fi
  bash "$H/build.sh" | tail -n1
}

kc() { "$BIN/kubectl" --kubeconfig "$KCFG" "$@"; }

# wait_for <seconds> <description> <command...>
wait_for() {
  local t="$1" what="$2"; shift 2
  local end=$((SECONDS + t))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < end)) || { log "timed out after ${t}s waiting for $what"; return 1; }
    sleep 1
  done
}

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pidfile() { # pidfile
  local f="$1" pid
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

start_cluster() {
  local etcd="$BIN/etcd"
  [[ -x "$etcd" ]] || etcd=/usr/bin/etcd # Debian etcd-server fallback
  mkdir -p "$RUN"
  sed -e "s#@BIN@#$BIN#g" -e "s#@ETCD@#$etcd#g" "$H/kwok.yaml.tmpl" >"$RUN/kwok.yaml"
  export KWOK_WORKDIR="$RUN/kwok"
  log "creating KWOK cluster ($BIN)"
  local t0=$SECONDS
  "$BIN/kwokctl" create cluster --name "$CLUSTER" -c "$RUN/kwok.yaml" \
    --kubeconfig "$KCFG" --wait 3m >"$RUN/kwokctl.log" 2>&1 ||
    { tail -n 30 "$RUN/kwokctl.log" >&2; die "kwokctl create cluster failed (see $RUN/kwokctl.log)"; }
  log "cluster up in $((SECONDS - t0))s"
  # kwok-dp-0: the tainted node with loopback pod IPs for pods with a real data plane (dataplane.sh)
  node_manifest | kc apply -f - >/dev/null
  sed "s#127\.20\.0\.0/24#127.$((20 + (OFF / 1000) % 200)).0.0/24#g" "$H/manifests/node-dataplane.yaml" | kc apply -f - >/dev/null
  local node
  for node in kwok-node-0 kwok-dp-0; do
    wait_for 120 "node $node Ready" kc wait --for=condition=Ready "node/$node" --timeout=5s
    # status is not taken from the manifest; KWOK's node-initialize stage runs once (until Ready) and
    # leaves addresses empty in binary mode. Give the node exactly one address: Hostname=localhost.
    kc patch node "$node" --subresource=status --type=merge \
      -p '{"status":{"addresses":[{"type":"Hostname","address":"localhost"}]}}' >/dev/null
  done
  wait_for 120 "default service account" kc get serviceaccount default -n default
}

# kwok-node-0 as in manifests/node.yaml; with HARNESS_NODE_PODS=n, its pod, CPU and memory capacity and
# its podCIDR (KWOK takes pod IPs from it) raised to hold n pods. Each injected pod requests 100m CPU
# and 128Mi for istio-proxy, so 110 pods and 32 cores is the default's limit.
node_manifest() {
  local n="${HARNESS_NODE_PODS:-}"
  if [[ -z "$n" ]]; then cat "$H/manifests/node.yaml"; return; fi
  [[ "$n" =~ ^[0-9]+$ ]] && ((n >= 110 && n <= 16000)) || die "HARNESS_NODE_PODS=$n: give a pod count from 110 to 16000"
  local cpu=$((n / 4 > 32 ? n / 4 : 32)) mem=$((n / 2 > 256 ? n / 2 : 256)) prefix=24
  while (((1 << (32 - prefix)) - 2 < n)); do prefix=$((prefix - 1)); done
  log "kwok-node-0: capacity $n pods, $cpu CPUs, ${mem}Gi, podCIDR 10.0.0.0/$prefix (HARNESS_NODE_PODS)"
  sed -e "s#pods: \"110\"#pods: \"$n\"#" -e "s#cpu: \"32\"#cpu: \"$cpu\"#" -e "s#memory: 256Gi#memory: ${mem}Gi#" \
    -e "s#10\.0\.0\.0/24#10.0.0.0/$prefix#g" "$H/manifests/node.yaml"
}

render_istio() {
  local out="$RUN/istio-manifest.yaml"
  log "rendering Istio with the pinned istioctl (minimal profile, URL webhooks)"
  # shellcheck disable=SC2086
  "$BIN/istioctl" manifest generate --set profile=minimal $INSTALL_FLAGS >"$out" 2>"$RUN/istioctl.log" ||
    { cat "$RUN/istioctl.log" >&2; die "istioctl manifest generate failed"; }
  echo "$out"
}

apply_istio() {
  local manifest
  manifest="$(render_istio)"
  kc create namespace istio-system --dry-run=client -o yaml | kc apply -f - >/dev/null
  log "applying $(grep -c '^kind:' "$manifest") Istio objects"
  kc apply --server-side --force-conflicts -f "$manifest" >"$RUN/apply.log" 2>&1 ||
    { tail -n 20 "$RUN/apply.log" >&2; die "applying the Istio manifest failed"; }
}

start_istiod() {
  stop_pidfile "$RUN/istiod.pid"
  local p
  for p in $P_XDS $P_XDSTLS $P_MON $P_WEBHOOK $P_HTTP $P_CTRLZ; do
    port_busy "$p" && die "127.0.0.1:$p is in use (another harness? set HARNESS_PORT_OFFSET, e.g. 1000)"
  done
  rm -rf "$RUN/istiod"; mkdir -p "$RUN/istiod"
  sed -e "s#@RUN@#$RUN#g" -e "s#@P_XDS@#$P_XDS#g" -e "s#@P_XDSTLS@#$P_XDSTLS#g" -e "s#@P_MON@#$P_MON#g" \
    -e "s#@P_WEBHOOK@#$P_WEBHOOK#g" -e "s#@P_HTTP@#$P_HTTP#g" "$H/manifests/istiod-on-host.yaml.tmpl" | kc apply -f - >/dev/null
  log "starting istiod on the host (empty working dir, reads the istio/istio-sidecar-injector ConfigMaps)"
  (
    cd "$RUN/istiod"
    export KUBECONFIG="$KCFG" POD_NAME=istiod-host POD_NAMESPACE=istio-system SERVICE_ACCOUNT=istiod \
      REVISION=default CLUSTER_ID=Kubernetes PILOT_CERT_PROVIDER=istiod ISTIOD_CUSTOM_HOST=localhost \
      JWT_POLICY=third-party-jwt PILOT_TRACE_SAMPLING=1 PILOT_ENABLE_ANALYSIS=false \
      INJECTION_WEBHOOK_CONFIG_NAME=istio-sidecar-injector VALIDATION_WEBHOOK_CONFIG_NAME=istio-istio-system \
      ISTIO_DUAL_STACK=false PLATFORM="" \
      PILOT_ENABLE_METADATA_EXCHANGE="${PILOT_ENABLE_METADATA_EXCHANGE:-false}" \
      PILOT_ENABLE_ALPN_FILTER="${PILOT_ENABLE_ALPN_FILTER:-false}"
    # ^ the two filters upstream Envoy (the real data plane) does not have and would NACK
    : >"$RUN/istiod.log"; : >"$RUN/istiod.cri.log"
    # istiod.log: its raw output; istiod.cri.log: the same lines in the CRI log format that the
    # KWOK ClusterLogs rule serves as the istiod pods' `discovery` container logs.
    exec > >(exec awk -v raw="$RUN/istiod.log" -v cri="$RUN/istiod.cri.log" '
      $1 ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T/ { ts = $1 }
      { if (ts == "") ts = "1970-01-01T00:00:00Z"
        print $0 >> raw; print ts " stderr F " $0 >> cri; fflush(raw); fflush(cri) }') 2>&1
    exec "$BIN/pilot-discovery" discovery --kubeconfig "$KCFG" \
      --httpAddr 127.0.0.1:$P_HTTP --grpcAddr 127.0.0.1:$P_XDS --secureGRPCAddr 127.0.0.1:$P_XDSTLS \
      --httpsAddr 127.0.0.1:$P_WEBHOOK --monitoringAddr 127.0.0.1:$P_MON \
      --ctrlz_address 127.0.0.1 --ctrlz_port $P_CTRLZ \
      --domain cluster.local --keepaliveMaxServerConnectionAge 30m --log_output_level default:info
  ) </dev/null >/dev/null 2>&1 &
  echo $! >"$RUN/istiod.pid"
  local t0=$SECONDS
  wait_for 180 "istiod /ready" curl -fsS --max-time 2 "http://127.0.0.1:$P_HTTP/ready" ||
    { tail -n 40 "$RUN/istiod.log" >&2; die "istiod did not become ready"; }
  log "istiod ready in $((SECONDS - t0))s"
  if kc get mutatingwebhookconfiguration istio-sidecar-injector >/dev/null 2>&1; then
    wait_for 120 "injector caBundle" bash -c \
      "[[ -n \"\$('$BIN/kubectl' --kubeconfig '$KCFG' get mutatingwebhookconfiguration istio-sidecar-injector -o jsonpath='{.webhooks[0].clientConfig.caBundle}')\" ]]" ||
      die "istiod did not patch the injector caBundle"
  fi
}

start_sidecar() {
  stop_pidfile "$RUN/fake-sidecar.pid"
  mkdir -p "$RUN/proxies"
  "$BIN/fake-sidecar" --kubeconfig "$KCFG" --xds-address "127.0.0.1:$P_XDS" --state-dir "$RUN/proxies" \
    </dev/null >"$RUN/fake-sidecar.log" 2>&1 &
  echo $! >"$RUN/fake-sidecar.pid"
  wait_for 60 "fake sidecar" grep -q 'fake-sidecar ready' "$RUN/fake-sidecar.log" ||
    { tail -n 20 "$RUN/fake-sidecar.log" >&2; die "fake sidecar did not start"; }
}

print_env() {
  echo "export KUBECONFIG=$KCFG"
  echo "export HARNESS_BIN=$BIN"
  echo "export HARNESS_DIR=$RUN"
  echo "export HARNESS_INSTALL_FLAGS='$INSTALL_FLAGS'"
  echo "export HARNESS_ISTIOD_MONITORING=127.0.0.1:$P_MON"
  echo "export HARNESS_ISTIOD_XDS=127.0.0.1:$P_XDS"
}

cmd_up() {
  local t0=$SECONDS
  BIN="$(bin_dir)"
  [[ -x "$BIN/kwokctl" ]] || die "no binaries in $BIN"
  local f
  for f in "$RUN"/*.pid "$RUN"/kwok/clusters/"$CLUSTER"/pids/*.pid; do
    alive "$f" && die "a harness is already running in $RUN (scripts/harness.sh down first)"
  done
  if [[ -d "$RUN/kwok/clusters/$CLUSTER" || -f "$RUN/bin" ]]; then
    log "cleaning up the state of a previous harness in $RUN (none of its processes is alive)"
    ( cmd_down )
  fi
  if [[ "$OFF_REQ" == auto ]]; then
    local o
    for o in 0 1000 2000 3000 4000 5000; do ports_free "$o" && break; done
    set_ports "$o"
  fi
  [[ -z "${HARNESS_NODE_PODS:-}" ]] || node_manifest >/dev/null
  ports_free "$OFF" || die "istiod's ports (+$OFF) are in use: another harness? set HARNESS_PORT_OFFSET"
  mkdir -p "$RUN"; echo "$BIN" >"$RUN/bin"; echo "$OFF" >"$RUN/port-offset"
  [[ "$OFF" == 0 ]] || log "istiod ports offset by $OFF (15010 -> $P_XDS, 15017 -> $P_WEBHOOK, 8080 -> $P_HTTP)"
  start_cluster
  if [[ "${HARNESS_INSTALL:-istioctl}" == istioctl ]]; then
    apply_istio
    start_istiod
    start_sidecar
  fi
  log "harness up in $((SECONDS - t0))s"
  print_env
}

cmd_istiod() {
  BIN="$(bin_dir)"
  start_istiod
  start_sidecar
  print_env
}

# ---- N connected proxies (opt-in; scripts/bench/live.mjs) ----
# `proxies <n> [ns]` scales a Deployment of injected pods (no Service, so the mesh config each proxy
# gets stays the same size and istiod does not push to everyone on each new pod) to n replicas; the
# fake sidecar connects each to the real istiod. It waits until istiod's /debug/syncz lists exactly
# n proxies of the namespace (bounded by HARNESS_PROXIES_TIMEOUT, default 900 s) and prints the time.
proxies_connected() { # ns
  curl -fsS --max-time 20 "http://127.0.0.1:$P_MON/debug/syncz" | grep -Eo "\"proxy\": *\"[^\"]+\.$1\"" | sort -u | wc -l
}

cmd_proxies() { # n [ns]
  local n="${1:-}" ns="${2:-istio-ts-proxies}"
  [[ "$n" =~ ^[0-9]+$ && "$ns" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || die "usage: harness.sh proxies <n> [namespace]"
  BIN="$(bin_dir)"
  alive "$RUN/istiod.pid" && alive "$RUN/fake-sidecar.pid" || die "no istiod and fake sidecar running in $RUN (harness.sh up first)"
  local t0=$SECONDS limit="${HARNESS_PROXIES_TIMEOUT:-900}"
  if [[ "$n" == 0 ]]; then
    kc delete namespace "$ns" --ignore-not-found --wait=false >/dev/null
  else
    kc apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Namespace
metadata: {name: $ns, labels: {istio-injection: enabled}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: proxy, namespace: $ns}
spec:
  replicas: $n
  selector: {matchLabels: {app: proxy}}
  template:
    metadata: {labels: {app: proxy}}
    spec:
      containers:
      - {name: app, image: istio-ts.dev/bench-app:1}
YAML
  fi
  local have=-1 last=-1 next=$((SECONDS + 10))
  until [[ "$have" == "$n" ]]; do
    ((SECONDS - t0 < limit)) || die "timed out after ${limit}s: istiod lists $have of $n proxies in $ns (see $RUN/fake-sidecar.log)"
    sleep 2
    have="$(proxies_connected "$ns" || echo -1)"
    if ((SECONDS >= next)) && [[ "$have" != "$last" ]]; then log "$have of $n proxies in $ns connected ($((SECONDS - t0))s)"; last=$have; next=$((SECONDS + 10)); fi
  done
  log "$n proxies in $ns connected to istiod in $((SECONDS - t0))s"
}

# ---- A second istiod for a control plane revision (opt-in; test/e2e/canary.test.ts) ----
# `revision <rev> flags` prints the install flags whose URL webhooks point at the revision's own
# istiod (its ports: the harness's istiod ports + 500); install the revision with them (e.g.
# `istio-ts install -r <rev> --set profile=minimal $(harness.sh revision <rev> flags) -y`), then
# `revision <rev> up` starts pilot-discovery with REVISION=<rev> on those ports (it reads the
# istio-<rev> and istio-sidecar-injector-<rev> ConfigMaps and patches the caBundle of the webhooks
# labelled istio.io/rev=<rev>, tags included), points the istiod-<rev> pods' port-forwards and
# `discovery` logs at it, and routes the fake sidecar's proxies injected by <rev> (their
# discoveryAddress istiod-<rev>.istio-system.svc) to its xDS port. `revision <rev> down` stops it.
revision_usage() { die "usage: harness.sh revision <rev> flags|up|down"; }

revision_ports() { # rev
  RREV="$1"
  [[ "$RREV" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ && "$RREV" != default ]] || die "bad revision name: $RREV"
  RDIR="$RUN/revisions/$RREV"
  local roff=$((OFF + 500))
  R_XDS=$((15010 + roff)) R_XDSTLS=$((15012 + roff)) R_MON=$((15014 + roff)) R_WEBHOOK=$((15017 + roff))
  R_HTTP=$((8080 + roff)) R_CTRLZ=$((9876 + roff))
  R_FLAGS="--set values.istiodRemote.injectionURL=https://localhost:$R_WEBHOOK/inject --set values.base.validationURL=https://localhost:$R_WEBHOOK/validate"
}

revision_routes() { # rewrites the fake sidecar's xds-routes.json from revisions/*/xds
  local f first=1 out="{"
  for f in "$RUN"/revisions/*/xds; do
    [[ -f "$f" ]] || continue
    out+="$([[ $first == 1 ]] || echo ,)\"istiod-$(basename "$(dirname "$f")").istio-system.svc\": \"$(cat "$f")\""
    first=0
  done
  mkdir -p "$RUN/proxies"
  printf '%s}\n' "$out" >"$RUN/proxies/xds-routes.json.tmp" && mv "$RUN/proxies/xds-routes.json.tmp" "$RUN/proxies/xds-routes.json"
}

revision_forwards() { # points every istiod-<rev> pod's port-forwards and logs at the revision's istiod
  local pod
  for pod in $(kc get pods -n istio-system -l "app=istiod,istio.io/rev=$RREV" -o jsonpath='{.items[*].metadata.name}'); do
    cat <<YAML
apiVersion: kwok.x-k8s.io/v1alpha1
kind: PortForward
metadata: {name: $pod, namespace: istio-system, labels: {istio-ts.dev/revision-istiod: $RREV}}
spec:
  forwards:
  - {ports: [15010], target: {address: 127.0.0.1, port: $R_XDS}}
  - {ports: [15012], target: {address: 127.0.0.1, port: $R_XDSTLS}}
  - {ports: [15014], target: {address: 127.0.0.1, port: $R_MON}}
  - {ports: [15017], target: {address: 127.0.0.1, port: $R_WEBHOOK}}
  - {ports: [8080], target: {address: 127.0.0.1, port: $R_HTTP}}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Logs
metadata: {name: $pod, namespace: istio-system, labels: {istio-ts.dev/revision-istiod: $RREV}}
spec:
  logs:
  - {containers: [discovery], logsFile: $RDIR/istiod.cri.log, follow: true}
---
YAML
  done
}

revision_up() {
  BIN="$(bin_dir)"
  alive "$RDIR/istiod.pid" && die "istiod of revision $RREV is already running (pid $(cat "$RDIR/istiod.pid"))"
  local p
  for p in $R_XDS $R_XDSTLS $R_MON $R_WEBHOOK $R_HTTP $R_CTRLZ; do
    port_busy "$p" && die "127.0.0.1:$p is in use (istiod of revision $RREV)"
  done
  kc get configmap -n istio-system "istio-sidecar-injector-$RREV" >/dev/null 2>&1 ||
    die "no ConfigMap istio-system/istio-sidecar-injector-$RREV: install revision $RREV first (with: $R_FLAGS)"
  rm -rf "$RDIR"; mkdir -p "$RDIR/work"
  log "starting istiod of revision $RREV on the host (xDS 127.0.0.1:$R_XDS, webhook 127.0.0.1:$R_WEBHOOK)"
  (
    cd "$RDIR/work"
    export KUBECONFIG="$KCFG" POD_NAME="istiod-$RREV-host" POD_NAMESPACE=istio-system SERVICE_ACCOUNT="istiod-$RREV" \
      REVISION="$RREV" CLUSTER_ID=Kubernetes PILOT_CERT_PROVIDER=istiod ISTIOD_CUSTOM_HOST=localhost \
      JWT_POLICY=third-party-jwt PILOT_TRACE_SAMPLING=1 PILOT_ENABLE_ANALYSIS=false \
      INJECTION_WEBHOOK_CONFIG_NAME="istio-sidecar-injector-$RREV" \
      VALIDATION_WEBHOOK_CONFIG_NAME="istio-validator-$RREV-istio-system" \
      ISTIO_DUAL_STACK=false PLATFORM="" \
      PILOT_ENABLE_METADATA_EXCHANGE="${PILOT_ENABLE_METADATA_EXCHANGE:-false}" \
      PILOT_ENABLE_ALPN_FILTER="${PILOT_ENABLE_ALPN_FILTER:-false}"
    : >"$RDIR/istiod.log"; : >"$RDIR/istiod.cri.log"
    exec > >(exec awk -v raw="$RDIR/istiod.log" -v cri="$RDIR/istiod.cri.log" '
      $1 ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T/ { ts = $1 }
      { if (ts == "") ts = "1970-01-01T00:00:00Z"
        print $0 >> raw; print ts " stderr F " $0 >> cri; fflush(raw); fflush(cri) }') 2>&1
    exec "$BIN/pilot-discovery" discovery --kubeconfig "$KCFG" \
      --httpAddr 127.0.0.1:$R_HTTP --grpcAddr 127.0.0.1:$R_XDS --secureGRPCAddr 127.0.0.1:$R_XDSTLS \
      --httpsAddr 127.0.0.1:$R_WEBHOOK --monitoringAddr 127.0.0.1:$R_MON \
      --ctrlz_address 127.0.0.1 --ctrlz_port $R_CTRLZ \
      --domain cluster.local --keepaliveMaxServerConnectionAge 30m --log_output_level default:info
  ) </dev/null >/dev/null 2>&1 &
  echo $! >"$RDIR/istiod.pid"
  local t0=$SECONDS
  wait_for 180 "istiod $RREV /ready" curl -fsS --max-time 2 "http://127.0.0.1:$R_HTTP/ready" ||
    { tail -n 40 "$RDIR/istiod.log" >&2; die "istiod of revision $RREV did not become ready"; }
  log "istiod of revision $RREV ready in $((SECONDS - t0))s"
  wait_for 120 "injector caBundle of revision $RREV" bash -c \
    "[[ -n \"\$('$BIN/kubectl' --kubeconfig '$KCFG' get mutatingwebhookconfiguration istio-sidecar-injector-$RREV -o jsonpath='{.webhooks[0].clientConfig.caBundle}')\" ]]" ||
    die "istiod of revision $RREV did not patch its injector caBundle"
  wait_for 120 "istiod-$RREV pods" bash -c \
    "[[ -n \"\$('$BIN/kubectl' --kubeconfig '$KCFG' get pods -n istio-system -l app=istiod,istio.io/rev=$RREV -o jsonpath='{.items[*].status.podIP}')\" ]]" ||
    die "no running istiod-$RREV pod (KWOK) to port-forward to"
  revision_forwards | kc apply -f - >/dev/null
  echo "127.0.0.1:$R_XDS" >"$RDIR/xds"
  revision_routes
  echo "export HARNESS_REVISION_XDS=127.0.0.1:$R_XDS"
  echo "export HARNESS_REVISION_MONITORING=127.0.0.1:$R_MON"
}

revision_down() {
  [[ -d "$RDIR" ]] || { log "no istiod of revision $RREV in $RUN"; return 0; }
  BIN="$(bin_dir 2>/dev/null || true)"
  rm -f "$RDIR/xds"; revision_routes
  if [[ -x "${BIN:-}/kubectl" && -f "$KCFG" ]]; then
    kc delete portforwards.kwok.x-k8s.io,logs.kwok.x-k8s.io -n istio-system -l "istio-ts.dev/revision-istiod=$RREV" \
      --ignore-not-found >/dev/null 2>&1 || true
  fi
  stop_pidfile "$RDIR/istiod.pid"
  log "istiod of revision $RREV down"
}

cmd_revision() { # rev flags|up|down
  [[ $# == 2 ]] || revision_usage
  revision_ports "$1"
  case "$2" in
    flags) echo "$R_FLAGS" ;;
    up) revision_up ;;
    down) revision_down ;;
    *) revision_usage ;;
  esac
}

cmd_down() {
  [[ -d "$RUN" ]] || { log "nothing to stop in $RUN"; return 0; }
  BIN="$(bin_dir 2>/dev/null || true)"
  HARNESS_DIR="$RUN" bash "$H/dataplane.sh" down || true
  for f in "$RUN"/revisions/*/istiod.pid; do [[ -e "$f" ]] && stop_pidfile "$f"; done # `revision <rev> up`
  stop_pidfile "$RUN/fake-sidecar.pid"
  stop_pidfile "$RUN/istiod.pid"
  if [[ -d "$RUN/kwok/clusters/$CLUSTER" ]]; then
    if [[ -x "${BIN:-}/kwokctl" ]]; then
      KWOK_WORKDIR="$RUN/kwok" "$BIN/kwokctl" delete cluster --name "$CLUSTER" --kubeconfig "$KCFG" \
        >>"$RUN/kwokctl.log" 2>&1 || log "kwokctl delete cluster failed; stopping by pid files"
    fi
    # whatever kwokctl left running: stop it by its pid files
    for f in "$RUN"/kwok/clusters/"$CLUSTER"/pids/*.pid; do [[ -e "$f" ]] && stop_pidfile "$f"; done
    rm -rf "$RUN/kwok"
  fi
  rm -f "$RUN/bin" "$RUN/port-offset"
  log "harness down"
}

cmd_status() {
  for f in "$RUN"/*.pid "$RUN"/kwok/clusters/"$CLUSTER"/pids/*.pid; do
    [[ -e "$f" ]] || continue
    if alive "$f"; then echo "running $(basename "$f" .pid) pid $(cat "$f")"; else echo "dead    $(basename "$f" .pid)"; fi
  done
}

case "${1:-}" in
  build) bash "$H/build.sh" | tail -n1 ;;
  up) cmd_up ;;
  down) cmd_down ;;
  env) BIN="$(bin_dir)"; print_env ;;
  status) cmd_status ;;
  istiod) cmd_istiod ;;
  revision) shift; cmd_revision "$@" ;;
  proxies) shift; cmd_proxies "$@" ;;
  dataplane) shift; HARNESS_DIR="$RUN" exec bash "$H/dataplane.sh" "$@" ;;
  *) sed -n '2,42p' "$0"; exit 2 ;;
esac
