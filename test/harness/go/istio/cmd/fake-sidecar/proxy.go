package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	discovery "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	statuspb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
	corev1 "k8s.io/api/core/v1"
)

const (
	typeCluster  = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
	typeEndpoint = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment"
	typeListener = "type.googleapis.com/envoy.config.listener.v3.Listener"
	typeRoute    = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"
)

var shortType = map[string]string{typeCluster: "CDS", typeEndpoint: "EDS", typeListener: "LDS", typeRoute: "RDS"}

// resource is one accepted xDS resource with the version it arrived in.
type resource struct {
	name        string
	any         *anypb.Any
	version     string
	lastUpdated time.Time
}

// typeState is what this proxy holds for one xDS type.
type typeState struct {
	version     string // last accepted version_info
	nonce       string // last received nonce
	names       []string
	resources   map[string]*resource
	attempts    int
	successes   int
	rejections  int
	lastError   string
	lastUpdated time.Time
}

type proxy struct {
	m         *manager
	pod       *corev1.Pod
	nodeID    string
	node      *corev3.Node
	started   time.Time
	adminPort int
	logPath   string
	xdsAddr   string // istiod's plaintext xDS address for this pod (routes.go)

	ctx     context.Context
	cancel  context.CancelFunc
	srv     *http.Server
	logFile *os.File

	mu        sync.Mutex
	state     map[string]*typeState
	connected bool
	logLevels map[string]string
	secrets   *workloadSecrets
}

func newProxy(parent context.Context, m *manager, pod *corev1.Pod) (*proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(parent)
	px := &proxy{
		m: m, pod: pod, started: time.Now(), adminPort: ln.Addr().(*net.TCPAddr).Port,
		ctx: ctx, cancel: cancel, state: map[string]*typeState{}, logLevels: defaultLogLevels(),
	}
	for _, t := range []string{typeCluster, typeEndpoint, typeListener, typeRoute} {
		px.state[t] = &typeState{resources: map[string]*resource{}}
	}
	px.logPath = filepath.Join(m.opts.stateDir, fmt.Sprintf("%s_%s_istio-proxy.log", pod.Namespace, pod.Name))
	px.logFile, err = os.OpenFile(px.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		cancel()
		_ = ln.Close()
		return nil, err
	}
	px.nodeID, px.node = buildNode(m.opts, pod)
	var routedFrom string
	px.xdsAddr, routedFrom = xdsAddressFor(m.opts, pod)
	if routedFrom != "" {
		// the revision that injected the pod: its discovery address, as a real istio-proxy sends it
		pc := px.node.Metadata.Fields["PROXY_CONFIG"].GetStructValue()
		pc.Fields["discoveryAddress"] = structpb.NewStringValue(routedFrom)
	}
	px.srv = &http.Server{Handler: px.adminHandler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = px.srv.Serve(ln) }()
	px.logf("starting fake Envoy for %s (node %s), admin 127.0.0.1:%d", pod.Name, px.nodeID, px.adminPort)
	go px.runXDS()
	return px, nil
}

func (px *proxy) stopped() bool { return px.ctx.Err() != nil }

func (px *proxy) stop() {
	px.cancel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = px.srv.Shutdown(ctx)
	px.logf("shutting down")
	_ = px.logFile.Close()
}

// logf writes an Envoy-style log line to the per-pod log file and to stderr.
func (px *proxy) logf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	px.writeLog("info", msg)
	log.Printf("%s/%s: %s", px.pod.Namespace, px.pod.Name, msg)
}

// writeLog appends one Envoy-style line in the CRI log format that KWOK's Logs serve:
// "<RFC3339Nano> stderr F <message>".
func (px *proxy) writeLog(level, msg string) {
	if px.logFile == nil {
		return
	}
	now := time.Now().UTC()
	line := fmt.Sprintf("%s stderr F %s\t%s\tenvoy fake\t%s\n", now.Format(time.RFC3339Nano),
		now.Format("2006-01-02T15:04:05.000000Z"), level, msg)
	_, _ = px.logFile.WriteString(line)
}

func defaultLogLevels() map[string]string {
	levels := map[string]string{}
	for _, l := range []string{"admin", "client", "config", "connection", "conn_handler", "dns", "filter",
		"grpc", "hc", "http", "http2", "jwt", "lua", "main", "misc", "pool", "rbac", "router", "runtime",
		"stats", "tracing", "upstream", "wasm"} {
		levels[l] = "warning"
	}
	return levels
}

// buildNode returns the node id and node a real istio-proxy would send for this pod.
func buildNode(o options, pod *corev1.Pod) (string, *corev3.Node) {
	ns := pod.Namespace
	id := fmt.Sprintf("%s~%s~%s.%s~%s.svc.%s", proxyType(pod), pod.Status.PodIP, pod.Name, ns, ns, o.domain)
	labels := map[string]any{}
	for k, v := range pod.Labels {
		labels[k] = v
	}
	workload, owner := workloadOf(pod)
	var appContainers []string
	type podPort struct {
		Name          string `json:"name,omitempty"`
		ContainerPort int32  `json:"containerPort"`
		Protocol      string `json:"protocol,omitempty"`
	}
	ports := []podPort{}
	for _, c := range pod.Spec.Containers {
		if c.Name == "istio-proxy" {
			continue
		}
		appContainers = append(appContainers, c.Name)
		for _, p := range c.Ports {
			ports = append(ports, podPort{Name: p.Name, ContainerPort: p.ContainerPort, Protocol: string(p.Protocol)})
		}
	}
	portsJSON, _ := json.Marshal(ports)
	ips := []string{}
	for _, ip := range pod.Status.PodIPs {
		ips = append(ips, ip.IP)
	}
	if len(ips) == 0 {
		ips = append(ips, pod.Status.PodIP)
	}
	sa := pod.Spec.ServiceAccountName
	if sa == "" {
		sa = "default"
	}
	meta := map[string]any{
		"ISTIO_VERSION":         o.istioVersion,
		"CLUSTER_ID":            o.clusterID,
		"NAMESPACE":             ns,
		"NAME":                  pod.Name,
		"WORKLOAD_NAME":         workload,
		"OWNER":                 owner,
		"SERVICE_ACCOUNT":       sa,
		"NODE_NAME":             pod.Spec.NodeName,
		"INSTANCE_IPS":          strings.Join(ips, ","),
		"LABELS":                labels,
		"MESH_ID":               o.domain,
		"INTERCEPTION_MODE":     "REDIRECT",
		"APP_CONTAINERS":        strings.Join(appContainers, ","),
		"POD_PORTS":             string(portsJSON),
		"ENVOY_STATUS_PORT":     float64(15021),
		"ENVOY_PROMETHEUS_PORT": float64(15090),
		"PILOT_SAN":             []any{"istiod.istio-system.svc"},
		"PROXY_CONFIG": map[string]any{
			"proxyAdminPort":         float64(15000),
			"statusPort":             float64(15020),
			"discoveryAddress":       "istiod.istio-system.svc:15012",
			"configPath":             "./etc/istio/proxy",
			"binaryPath":             "/usr/local/bin/envoy",
			"serviceCluster":         "istio-proxy",
			"drainDuration":          "45s",
			"controlPlaneAuthPolicy": "MUTUAL_TLS",
		},
	}
	if proxyType(pod) == "router" {
		meta["ROUTER_MODE"] = "sni-dnat"
		delete(meta, "INTERCEPTION_MODE")
	}
	st, err := structpb.NewStruct(meta)
	if err != nil {
		fatalf("node metadata: %v", err)
	}
	return id, &corev3.Node{
		Id:            id,
		Cluster:       workload + "." + ns,
		Metadata:      st,
		Locality:      &corev3.Locality{},
		UserAgentName: "envoy",
		UserAgentVersionType: &corev3.Node_UserAgentBuildVersion{UserAgentBuildVersion: &corev3.BuildVersion{
			Version: &typeSemver, Metadata: nil,
		}},
	}
}

func workloadOf(pod *corev1.Pod) (string, string) {
	for _, ref := range pod.OwnerReferences {
		if ref.Controller == nil || !*ref.Controller {
			continue
		}
		switch ref.Kind {
		case "ReplicaSet":
			name := ref.Name
			if h := pod.Labels["pod-template-hash"]; h != "" && strings.HasSuffix(name, "-"+h) {
				name = strings.TrimSuffix(name, "-"+h)
				return name, fmt.Sprintf("kubernetes://apis/apps/v1/namespaces/%s/deployments/%s", pod.Namespace, name)
			}
			return name, fmt.Sprintf("kubernetes://apis/apps/v1/namespaces/%s/replicasets/%s", pod.Namespace, name)
		default:
			return ref.Name, fmt.Sprintf("kubernetes://apis/%s/namespaces/%s/%ss/%s",
				ref.APIVersion, pod.Namespace, strings.ToLower(ref.Kind), ref.Name)
		}
	}
	return pod.Name, fmt.Sprintf("kubernetes://apis/v1/namespaces/%s/pods/%s", pod.Namespace, pod.Name)
}

// nackTypes reads the on-demand NACK annotation from the live pod.
func (px *proxy) nackTypes() map[string]bool {
	p := px.m.currentPod(px.pod.Namespace, px.pod.Name)
	if p == nil {
		return nil
	}
	v := p.Annotations[nackAnnotation]
	if v == "" {
		return nil
	}
	out := map[string]bool{}
	for _, s := range strings.Split(v, ",") {
		s = strings.ToUpper(strings.TrimSpace(s))
		if s == "*" || s == "ALL" {
			for _, t := range shortType {
				out[t] = true
			}
		} else if s != "" {
			out[s] = true
		}
	}
	return out
}

// runXDS keeps one ADS stream open to istiod, reconnecting with backoff.
func (px *proxy) runXDS() {
	backoff := 500 * time.Millisecond
	for !px.stopped() {
		start := time.Now()
		err := px.stream()
		px.mu.Lock()
		px.connected = false
		px.mu.Unlock()
		if px.stopped() {
			return
		}
		px.logf("xDS stream closed: %v", err)
		if time.Since(start) > 30*time.Second {
			backoff = 500 * time.Millisecond
		}
		select {
		case <-px.ctx.Done():
			return
		case <-time.After(backoff):
		}
		if backoff < 10*time.Second {
			backoff *= 2
		}
	}
}

func (px *proxy) stream() error {
	conn, err := grpc.NewClient(px.xdsAddr,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20)))
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithCancel(px.ctx)
	defer cancel()
	st, err := discovery.NewAggregatedDiscoveryServiceClient(conn).StreamAggregatedResources(ctx)
	if err != nil {
		return err
	}
	send := func(req *discovery.DiscoveryRequest) error {
		req.Node = px.node
		return st.Send(req)
	}
	// Like Envoy after a reconnect: re-request with the versions and names we hold.
	px.mu.Lock()
	initial := []*discovery.DiscoveryRequest{}
	for _, t := range []string{typeCluster, typeListener} {
		s := px.state[t]
		initial = append(initial, &discovery.DiscoveryRequest{TypeUrl: t, VersionInfo: s.version})
	}
	for _, t := range []string{typeEndpoint, typeRoute} {
		s := px.state[t]
		if len(s.names) > 0 {
			initial = append(initial, &discovery.DiscoveryRequest{TypeUrl: t, VersionInfo: s.version, ResourceNames: s.names})
		}
	}
	px.mu.Unlock()
	for _, r := range initial {
		if err := send(r); err != nil {
			return err
		}
	}
	px.logf("xDS stream opened to %s", px.xdsAddr)
	for {
		resp, err := st.Recv()
		if err != nil {
			return err
		}
		px.mu.Lock()
		px.connected = true
		px.mu.Unlock()
		reqs := px.handle(resp)
		for _, r := range reqs {
			if err := send(r); err != nil {
				return err
			}
		}
	}
}

// handle applies (or rejects) one response and returns the requests to send back.
func (px *proxy) handle(resp *discovery.DiscoveryResponse) []*discovery.DiscoveryRequest {
	t := resp.TypeUrl
	short := shortType[t]
	px.mu.Lock()
	defer px.mu.Unlock()
	s := px.state[t]
	if s == nil { // a type we never asked for: ACK without storing
		return []*discovery.DiscoveryRequest{{TypeUrl: t, VersionInfo: resp.VersionInfo, ResponseNonce: resp.Nonce}}
	}
	s.nonce = resp.Nonce
	s.attempts++
	nacks := px.nackTypesLocked()
	if nacks[short] {
		s.rejections++
		s.lastError = fmt.Sprintf("fake-sidecar: %s rejected on demand (annotation %s)", short, nackAnnotation)
		px.logfLocked("warning", "gRPC config for %s rejected: %s", t, s.lastError)
		return []*discovery.DiscoveryRequest{{
			TypeUrl: t, VersionInfo: s.version, ResponseNonce: resp.Nonce, ResourceNames: s.names,
			ErrorDetail: &statuspb.Status{Code: 3, Message: s.lastError},
		}}
	}
	now := time.Now()
	fresh := map[string]*resource{}
	for _, a := range resp.Resources {
		name, err := resourceName(t, a)
		if err != nil {
			s.rejections++
			s.lastError = err.Error()
			return []*discovery.DiscoveryRequest{{
				TypeUrl: t, VersionInfo: s.version, ResponseNonce: resp.Nonce, ResourceNames: s.names,
				ErrorDetail: &statuspb.Status{Code: 3, Message: err.Error()},
			}}
		}
		r := &resource{name: name, any: a, version: resp.VersionInfo, lastUpdated: now}
		if old := s.resources[name]; old != nil && proto.Equal(old.any, a) {
			r.version, r.lastUpdated = old.version, old.lastUpdated
		}
		fresh[name] = r
	}
	if t == typeEndpoint || t == typeRoute {
		// SotW for EDS/RDS: a response carries the named resources; keep the others we hold.
		for k, v := range s.resources {
			if _, ok := fresh[k]; !ok && contains(s.names, k) {
				fresh[k] = v
			}
		}
	}
	s.resources = fresh
	s.version = resp.VersionInfo
	s.successes++
	s.lastError = ""
	s.lastUpdated = now
	px.logfLocked("debug", "%s: accepted %d resources, version %s", short, len(resp.Resources), resp.VersionInfo)
	out := []*discovery.DiscoveryRequest{{TypeUrl: t, VersionInfo: resp.VersionInfo, ResponseNonce: resp.Nonce, ResourceNames: s.names}}
	// Follow-up subscriptions, as Envoy does: EDS for EDS clusters, RDS for HCM route names.
	switch t {
	case typeCluster:
		if names := edsClusterNames(s.resources); !equalStrings(names, px.state[typeEndpoint].names) {
			e := px.state[typeEndpoint]
			e.names = names
			out = append(out, &discovery.DiscoveryRequest{TypeUrl: typeEndpoint, VersionInfo: e.version, ResponseNonce: e.nonce, ResourceNames: names})
		}
	case typeListener:
		if names := rdsNames(s.resources); !equalStrings(names, px.state[typeRoute].names) {
			r := px.state[typeRoute]
			r.names = names
			out = append(out, &discovery.DiscoveryRequest{TypeUrl: typeRoute, VersionInfo: r.version, ResponseNonce: r.nonce, ResourceNames: names})
		}
	}
	return out
}

func (px *proxy) nackTypesLocked() map[string]bool {
	px.mu.Unlock()
	defer px.mu.Lock()
	return px.nackTypes()
}

func (px *proxy) logfLocked(level, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	px.writeLog(level, msg)
	if level != "debug" {
		log.Printf("%s/%s: %s", px.pod.Namespace, px.pod.Name, msg)
	}
}

func resourceName(t string, a *anypb.Any) (string, error) {
	switch t {
	case typeCluster:
		var c clusterv3.Cluster
		if err := a.UnmarshalTo(&c); err != nil {
			return "", err
		}
		return c.Name, nil
	case typeEndpoint:
		var c endpointv3.ClusterLoadAssignment
		if err := a.UnmarshalTo(&c); err != nil {
			return "", err
		}
		return c.ClusterName, nil
	case typeListener:
		var l listenerv3.Listener
		if err := a.UnmarshalTo(&l); err != nil {
			return "", err
		}
		return l.Name, nil
	case typeRoute:
		var r routev3.RouteConfiguration
		if err := a.UnmarshalTo(&r); err != nil {
			return "", err
		}
		return r.Name, nil
	}
	return "", fmt.Errorf("unknown type %s", t)
}

func edsClusterNames(rs map[string]*resource) []string {
	var out []string
	for _, r := range rs {
		var c clusterv3.Cluster
		if err := r.any.UnmarshalTo(&c); err != nil {
			continue
		}
		if c.GetType() == clusterv3.Cluster_EDS {
			name := c.Name
			if sn := c.GetEdsClusterConfig().GetServiceName(); sn != "" {
				name = sn
			}
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func rdsNames(rs map[string]*resource) []string {
	set := map[string]bool{}
	for _, r := range rs {
		var l listenerv3.Listener
		if err := r.any.UnmarshalTo(&l); err != nil {
			continue
		}
		chains := append([]*listenerv3.FilterChain{}, l.FilterChains...)
		if l.DefaultFilterChain != nil {
			chains = append(chains, l.DefaultFilterChain)
		}
		for _, fc := range chains {
			for _, f := range fc.Filters {
				tc := f.GetTypedConfig()
				if tc == nil || !strings.HasSuffix(tc.TypeUrl, "HttpConnectionManager") {
					continue
				}
				var h hcmv3.HttpConnectionManager
				if err := tc.UnmarshalTo(&h); err != nil {
					continue
				}
				if n := h.GetRds().GetRouteConfigName(); n != "" {
					set[n] = true
				}
			}
		}
	}
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func ts(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}
