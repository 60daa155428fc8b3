#!/usr/bin/env bash
# The harness's real data plane: a real pilot-agent + upstream Envoy per opted-in pod, loopback
# app servers and a bounded request driver. Everything binds 127.0.0.0/8; every process is started
# in its own session and stopped by its recorded pid (process group), never by name.
#
#   dataplane.sh proxy-up <ns> <pod>      start pilot-agent + Envoy for a Running pod (sidecar, or
#                                         router if its istio-proxy container runs `proxy router`)
#   dataplane.sh proxy-down <ns> <pod>    stop them (the pod stays: a crashed sidecar)
#   dataplane.sh app-up <name> <port> <mode> [delay-ms] [first]
#                                         app server on 127.0.0.1:<port>; mode ok|500|reset|slow|flaky
#                                         (first N requests per path only, then ok) or echo (TCP)
#   dataplane.sh app-down <name>          stop it (mode "stopped")
#   dataplane.sh drive <args...>          bounded request driver (see dataplane/drive.mjs)
#   dataplane.sh status                   list the running data plane processes
#   dataplane.sh down                     stop every data plane process of this harness
#
# Opting a pod in: label it istio-ts.dev/proxy=real (the fake sidecar then leaves it alone),
# schedule it on the node kwok-dp-0 (podCIDR 127.<20 + port offset/1000>.0.0/24, tainted
# istio-ts.dev/dataplane, so every pod IP is its own loopback address, distinct per harness), e.g. in the pod template:
#   nodeSelector: {kubernetes.io/hostname: kwok-dp-0}
#   tolerations: [{key: istio-ts.dev/dataplane, operator: Exists, effect: NoSchedule}]
# and give it a Sidecar with interception NONE semantics: egress `bind: <pod IP>`, ingress
# `bind: <pod IP>` + `defaultEndpoint: 127.0.0.1:<app port>` (see test/harness/README.md).
#
# Per pod, in $HARNESS_DIR/dataplane/<ns>_<pod>/ (the agent's working dir; Istio's paths are
# relative): var/run/secrets/tokens/istio-token (`kubectl create token --audience istio-ca`),
# var/run/secrets/istio/root-cert.pem (ConfigMap istio-ca-root-cert), etc/istio/pod/labels, the
# bootstrap template (Istio's envoy_bootstrap.json with `{{ .wildcard }}` = the pod IP), agent.pid,
# raw.log and istio-proxy.cri.log (what `kubectl logs -c istio-proxy` serves, via a KWOK Logs
# object). A KWOK PortForward maps the pod's 15000 to the Envoy admin and 15020 to the agent's
# status server, each on 127.0.0.1:<free port>, and 15090/15021 to <pod IP>:15090/15021.
#
# Differences from a cluster, on purpose: the agent's status server listens on 127.0.0.1:<free port>
# (build.sh patches its listen address; upstream binds every interface); interception mode NONE (no iptables), so listeners are
# <pod IP>_<port>; istiod must run with PILOT_ENABLE_METADATA_EXCHANGE=false and
# PILOT_ENABLE_ALPN_FILTER=false (harness.sh sets both) and a root Telemetry turning off the
# prometheus provider (test/harness/manifests/dataplane-telemetry.yaml), else upstream Envoy NACKs
# istio.* filters.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
H="$REPO/test/harness"
RUN="${HARNESS_DIR:-$REPO/.harness/run}"
DP="$RUN/dataplane"
KCFG="$RUN/kubeconfig"

log() { printf '[dataplane] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

bin_dir() {
  if [[ -n "${HARNESS_BIN:-}" ]]; then echo "$HARNESS_BIN"; return; fi
  [[ -f "$RUN/bin" ]] || die "no harness in $RUN (scripts/harness.sh up first)"
  cat "$RUN/bin"
}
kc() { "$BIN/kubectl" --kubeconfig "$KCFG" "$@"; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() { # a port free on 127.0.0.1, from a range no harness component uses
  # 20000-31999: below Linux's ephemeral range (32768-60999), where a client connection's local
  # port can take the port between this check and Envoy's bind ("Address already in use").
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    port_busy "$p" || { echo "$p"; return 0; }
  done
  die "no free port found"
}

alive_group() { kill -0 -- "-$1" 2>/dev/null; }
# Right after `setsid … &` the child may not have called setsid() yet (no group yet): check the pid.
alive_pid() { kill -0 "$1" 2>/dev/null; }

stop_group() { # pidfile: SIGTERM to the process group, then SIGKILL after 5 s
  local f="$1" pid
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if alive_group "$pid"; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do alive_group "$pid" || break; sleep 0.1; done
    alive_group "$pid" && kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

# CRI log lines (`<RFC3339> <stream> F <line>`) from a process's output, with the time taken from
# the line itself where it has one (Envoy's access log `[2026-…Z]`, its own `[2026-… …]`, the
# agent's `2026-…Z`), else the previous line's.
cri_filter() { # stream raw-file cri-file
  # perl, not awk: Debian's mawk reads a pipe in blocks, and even with -W interactive it was seen
  # to stop passing lines on, so that access-log lines never reached the log file.
  exec perl -e '
    my ($stream, $raw, $cri) = @ARGV; @ARGV = ();
    open(my $r, ">>", $raw) or die "$raw: $!"; open(my $c, ">>", $cri) or die "$cri: $!";
    $r->autoflush(1); $c->autoflush(1);
    my $ts = "1970-01-01T00:00:00Z";
    while (my $line = <STDIN>) {
      chomp $line;
      if ($line =~ /^\[(\d{4}-\d\d-\d\dT[^\]]*Z)\]/) { $ts = $1 }
      elsif ($line =~ /^\[(\d{4}-\d\d-\d\d) ([0-9:.]+)\]/) { $ts = "$1T$2Z" }
      elsif ($line =~ /^(\d{4}-\d\d-\d\dT[0-9:.]+Z)/) { $ts = $1 }
      print $r "$line\n"; print $c "$ts $stream F $line\n";
    }' "$1" "$2" "$3"
}

cmd_proxy_up() {
  local ns="$1" pod="$2"
  BIN="$(bin_dir)"
  [[ -x "$BIN/pilot-agent" && -x "$BIN/envoy" ]] || die "no pilot-agent/envoy in $BIN (test/harness/build.sh without HARNESS_SKIP_DATAPLANE)"
  local off; off="$(cat "$RUN/port-offset" 2>/dev/null || echo 0)"
  local xds="localhost:$((15012 + off))"
  local dir="$DP/${ns}_${pod}"
  if [[ -f "$dir/agent.pid" ]] && alive_group "$(cat "$dir/agent.pid")"; then die "$ns/$pod: a proxy is already running"; fi

  local ip sa labels ptype node
  ip="$(kc get pod -n "$ns" "$pod" -o jsonpath='{.status.podIP}')"
  [[ "$ip" == 127.* ]] || die "$ns/$pod: pod IP '$ip' is not a loopback address (schedule it on kwok-dp-0)"
  node="$(kc get pod -n "$ns" "$pod" -o jsonpath='{.spec.nodeName}')"
  sa="$(kc get pod -n "$ns" "$pod" -o jsonpath='{.spec.serviceAccountName}')"; sa="${sa:-default}"
  ptype="$(kc get pod -n "$ns" "$pod" -o jsonpath='{.spec.containers[?(@.name=="istio-proxy")].args[1]}')"
  [[ "$ptype" == router ]] || ptype=sidecar
  labels="$(kc get pod -n "$ns" "$pod" -o jsonpath='{.metadata.labels}')"

  rm -rf "$dir"; mkdir -p "$dir"/var/run/secrets/tokens "$dir"/var/run/secrets/istio "$dir"/etc/istio/pod "$dir"/etc/istio/proxy
  kc create token "$sa" -n "$ns" --audience istio-ca --duration 2h >"$dir/var/run/secrets/tokens/istio-token"
  local i
  for i in $(seq 1 60); do
    kc get configmap istio-ca-root-cert -n "$ns" -o jsonpath='{.data.root-cert\.pem}' >"$dir/var/run/secrets/istio/root-cert.pem" 2>/dev/null || true
    [[ -s "$dir/var/run/secrets/istio/root-cert.pem" ]] && break
    sleep 1
  done
  [[ -s "$dir/var/run/secrets/istio/root-cert.pem" ]] || die "$ns: ConfigMap istio-ca-root-cert did not appear"
  # downward-API format: key="value" per line
  node -e 'const l = JSON.parse(process.argv[1] || "{}"); process.stdout.write(Object.entries(l).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join("\n") + "\n")' "$labels" >"$dir/etc/istio/pod/labels"
  sed -e "s/{{ \.wildcard }}/$ip/g" -e "s/{{ \.additional_wildcard }}/$ip/g" "$BIN/envoy_bootstrap_tmpl.json" >"$dir/envoy_bootstrap_tmpl.json"

  local admin status; admin="$(free_port)"; status="$(free_port)"
  [[ "$admin" != "$status" ]] || status="$(free_port)"
  local proxy_config
  proxy_config="$(printf '{"discoveryAddress":"%s","statusPort":%s,"proxyAdminPort":%s,"binaryPath":"%s","configPath":"./etc/istio/proxy","proxyBootstrapTemplatePath":"%s","concurrency":1,"drainDuration":"1s","terminationDrainDuration":"1s","controlPlaneAuthPolicy":"MUTUAL_TLS"}' \
    "$xds" "$status" "$admin" "$BIN/envoy" "$dir/envoy_bootstrap_tmpl.json")"
  echo "$admin" >"$dir/admin-port"; echo "$status" >"$dir/status-port"; echo "$ip" >"$dir/pod-ip"
  : >"$dir/raw.log"; : >"$dir/istio-proxy.cri.log"
  (
    cd "$dir"
    export POD_NAME="$pod" POD_NAMESPACE="$ns" INSTANCE_IP="$ip" SERVICE_ACCOUNT="$sa" HOST_IP=127.0.0.1 NODE_NAME="$node" \
      PROXY_CONFIG="$proxy_config" CA_ADDR="$xds" JWT_POLICY=third-party-jwt PILOT_CERT_PROVIDER=istiod \
      ISTIO_META_INTERCEPTION_MODE=NONE ISTIO_META_CLUSTER_ID=Kubernetes ISTIO_META_MESH_ID=cluster.local \
      TRUST_DOMAIN=cluster.local ISTIO_META_POD_PORTS='[]' ISTIO_META_APP_CONTAINERS=app \
      ISTIO_META_WORKLOAD_NAME="${pod%-*-*}" ISTIO_META_OWNER="kubernetes://apis/v1/namespaces/$ns/pods/$pod" \
      ISTIO_META_ENABLE_HBONE=false ENABLE_NATIVE_SIDECARS=false
    # own session and process group (stopped as a group); the agent's stdout (Envoy's access log)
    # and stderr become CRI lines for `kubectl logs -c istio-proxy`.
    exec setsid bash -c 'exec "$0" proxy "$1" --domain "$2.svc.cluster.local" --proxyLogLevel warning --log_output_level default:info \
        > >(exec bash "$3" _cri stdout raw.log istio-proxy.cri.log) 2> >(exec bash "$3" _cri stderr raw.log istio-proxy.cri.log)' \
      "$BIN/pilot-agent" "$ptype" "$ns" "$H/dataplane.sh"
  ) </dev/null >/dev/null 2>&1 &
  echo $! >"$dir/agent.pid"
  local ms0; ms0="$(date +%s%3N)"

  # istio-ts reaches the admin API and logs exactly as in a cluster: port-forward and the logs API.
  kc apply -f - >/dev/null <<EOF
apiVersion: kwok.x-k8s.io/v1alpha1
kind: PortForward
metadata: {name: $pod, namespace: $ns, labels: {app.kubernetes.io/managed-by: istio-ts-dataplane}}
spec:
  forwards:
  - ports: [15000]
    target: {address: 127.0.0.1, port: $admin}
  - ports: [15020]
    target: {address: 127.0.0.1, port: $status}
  - ports: [15090]
    target: {address: $ip, port: 15090}
  - ports: [15021]
    target: {address: $ip, port: 15021}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Logs
metadata: {name: $pod, namespace: $ns, labels: {app.kubernetes.io/managed-by: istio-ts-dataplane}}
spec:
  logs:
  - containers: [istio-proxy]
    logsFile: $dir/istio-proxy.cri.log
    follow: true
EOF
  local t0=$SECONDS
  until curl -fsS --max-time 2 "http://127.0.0.1:$admin/ready" >/dev/null 2>&1; do
    if ! alive_pid "$(cat "$dir/agent.pid")"; then tail -n 30 "$dir/raw.log" >&2; die "$ns/$pod: pilot-agent exited"; fi
    ((SECONDS - t0 < 60)) || { tail -n 30 "$dir/raw.log" >&2; die "$ns/$pod: Envoy not LIVE after 60s"; }
    sleep 0.2
  done
  log "$ns/$pod: $ptype proxy LIVE $(($(date +%s%3N) - ms0)) ms after the agent started (pod IP $ip, admin 127.0.0.1:$admin, pid $(cat "$dir/agent.pid"))"
  echo "$admin"
}

cmd_proxy_down() {
  local dir="$DP/${1}_${2}"
  [[ -d "$dir" ]] || die "$1/$2: no real proxy started"
  stop_group "$dir/agent.pid"
  log "$1/$2: proxy stopped"
}

cmd_app_up() {
  local name="$1" port="$2" mode="$3" delay="${4:-0}" first="${5:-0}"
  mkdir -p "$DP/apps"
  local pidf="$DP/apps/$name.pid"
  if [[ -f "$pidf" ]] && alive_group "$(cat "$pidf")"; then die "app $name is already running"; fi
  setsid node "$H/dataplane/app.mjs" --name "$name" --port "$port" --mode "$mode" --delay-ms "$delay" --first "$first" \
    </dev/null >>"$DP/apps/$name.log" 2>&1 &
  echo $! >"$pidf"
  local t0=$SECONDS
  until port_busy "$port"; do
    alive_pid "$(cat "$pidf")" || { tail -n 5 "$DP/apps/$name.log" >&2; die "app $name exited"; }
    ((SECONDS - t0 < 15)) || die "app $name did not listen on 127.0.0.1:$port"
    sleep 0.1
  done
  log "app $name ($mode) on 127.0.0.1:$port, pid $(cat "$pidf")"
}

cmd_app_down() { stop_group "$DP/apps/$1.pid"; log "app $1 stopped"; }

cmd_status() {
  local f
  for f in "$DP"/*/agent.pid "$DP"/apps/*.pid; do
    [[ -e "$f" ]] || continue
    if alive_group "$(cat "$f")"; then echo "running $f pid $(cat "$f")"; else echo "dead    $f"; fi
  done
}

cmd_down() {
  local f
  for f in "$DP"/*/agent.pid "$DP"/apps/*.pid; do [[ -e "$f" ]] && stop_group "$f"; done
  return 0
}

case "${1:-}" in
  proxy-up) [[ $# == 3 ]] || die "usage: proxy-up <ns> <pod>"; cmd_proxy_up "$2" "$3" ;;
  proxy-down) [[ $# == 3 ]] || die "usage: proxy-down <ns> <pod>"; cmd_proxy_down "$2" "$3" ;;
  app-up) [[ $# -ge 4 ]] || die "usage: app-up <name> <port> <mode> [delay-ms] [first]"; cmd_app_up "$2" "$3" "$4" "${5:-0}" "${6:-0}" ;;
  app-down) [[ $# == 2 ]] || die "usage: app-down <name>"; cmd_app_down "$2" ;;
  _cri) cri_filter "$2" "$3" "$4" ;;
  drive) shift; exec node "$H/dataplane/drive.mjs" "$@" ;;
  status) cmd_status ;;
  down) cmd_down ;;
  *) sed -n '2,16p' "$0"; exit 2 ;;
esac
