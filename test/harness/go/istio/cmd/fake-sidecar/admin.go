package main

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	adminv3 "github.com/envoyproxy/go-control-plane/envoy/admin/v3"
	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	clusterv3 "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpointv3 "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listenerv3 "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/emptypb"
)

const envoyVersion = "1.37.0"

var typeSemver = typev3.SemanticVersion{MajorNumber: 1, MinorNumber: 37, Patch: 0}

var pj = protojson.MarshalOptions{UseProtoNames: true, Indent: " ", Resolver: fallbackResolver{}}

// pjDefaults also prints zero-valued primitives (like Envoy's always_print_primitive_fields).
var pjDefaults = protojson.MarshalOptions{UseProtoNames: true, Indent: " ", Resolver: fallbackResolver{}, EmitDefaultValues: true}

// fallbackResolver resolves every registered type; an Any of an unknown type renders as
// just its "@type" instead of failing the whole dump.
type fallbackResolver struct{}

func (fallbackResolver) FindMessageByName(n protoreflect.FullName) (protoreflect.MessageType, error) {
	return protoregistry.GlobalTypes.FindMessageByName(n)
}

func (fallbackResolver) FindMessageByURL(url string) (protoreflect.MessageType, error) {
	mt, err := protoregistry.GlobalTypes.FindMessageByURL(url)
	if err == nil {
		return mt, nil
	}
	return (&emptypb.Empty{}).ProtoReflect().Type(), nil
}

func (fallbackResolver) FindExtensionByName(n protoreflect.FullName) (protoreflect.ExtensionType, error) {
	return protoregistry.GlobalTypes.FindExtensionByName(n)
}

func (fallbackResolver) FindExtensionByNumber(m protoreflect.FullName, f protoreflect.FieldNumber) (protoreflect.ExtensionType, error) {
	return protoregistry.GlobalTypes.FindExtensionByNumber(m, f)
}

func (px *proxy) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/config_dump", px.handleConfigDump)
	mux.HandleFunc("/clusters", px.handleClusters)
	mux.HandleFunc("/listeners", px.handleListeners)
	mux.HandleFunc("/stats", px.handleStats)
	mux.HandleFunc("/stats/prometheus", px.handlePrometheus)
	mux.HandleFunc("/server_info", px.handleServerInfo)
	mux.HandleFunc("/logging", px.handleLogging)
	mux.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("LIVE\n")) })
	mux.HandleFunc("/healthz/ready", px.handleHealthz) // pilot-agent readiness (15021/15020)
	mux.HandleFunc("/certs", px.handleCerts)
	mux.HandleFunc("/memory", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]any{"allocated": "1048576", "heap_size": "4194304", "pageheap_unmapped": "0",
			"pageheap_free": "0", "total_thread_cache": "0", "total_physical_bytes": "6291456"})
	})
	mux.HandleFunc("/quitquitquit", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("OK\n")) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" && r.URL.Path != "/help" {
			http.Error(w, "invalid path: "+r.URL.Path, http.StatusNotFound)
			return
		}
		_, _ = fmt.Fprint(w, "admin commands are:\n  /certs\n  /clusters\n  /config_dump\n  /listeners\n  /logging\n"+
			"  /memory\n  /ready\n  /server_info\n  /stats\n  /stats/prometheus\n")
	})
	return mux
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	b, _ := json.MarshalIndent(v, "", " ")
	_, _ = w.Write(append(b, '\n'))
}

func writeProto(w http.ResponseWriter, m proto.Message) {
	writeProtoWith(w, pj, m)
}

func writeProtoWith(w http.ResponseWriter, o protojson.MarshalOptions, m proto.Message) {
	b, err := o.Marshal(m)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(append(b, '\n'))
}

// ---------------------------------------------------------------------------- config_dump

func mustAny(m proto.Message) *anypb.Any {
	a, err := anypb.New(m)
	if err != nil {
		panic(err)
	}
	return a
}

func staticCluster(name string, port uint32) *clusterv3.Cluster {
	return &clusterv3.Cluster{
		Name:                 name,
		ClusterDiscoveryType: &clusterv3.Cluster_Type{Type: clusterv3.Cluster_STATIC},
		ConnectTimeout:       durationpb.New(time.Second),
		LoadAssignment: &endpointv3.ClusterLoadAssignment{ClusterName: name, Endpoints: []*endpointv3.LocalityLbEndpoints{{
			LbEndpoints: []*endpointv3.LbEndpoint{{HostIdentifier: &endpointv3.LbEndpoint_Endpoint{Endpoint: &endpointv3.Endpoint{
				Address: sockAddr("127.0.0.1", port),
			}}}},
		}}},
	}
}

func sockAddr(ip string, port uint32) *corev3.Address {
	return &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{
		Address: ip, PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: port},
	}}}
}

func (px *proxy) staticClusters() []*clusterv3.Cluster {
	return []*clusterv3.Cluster{
		staticCluster("agent", 15020),
		staticCluster("prometheus_stats", 15000),
		staticCluster("sds-grpc", 0),
		staticCluster("xds-grpc", 15012),
	}
}

// dumps returns the config dump sections in Envoy's order; includeEDS adds endpoints.
func (px *proxy) dumps(includeEDS bool) []proto.Message {
	secrets := px.secretsDump()
	px.mu.Lock()
	defer px.mu.Unlock()
	ads := &corev3.ConfigSource{ConfigSourceSpecifier: &corev3.ConfigSource_Ads{Ads: &corev3.AggregatedConfigSource{}},
		InitialFetchTimeout: durationpb.New(0), ResourceApiVersion: corev3.ApiVersion_V3}
	boot := &adminv3.BootstrapConfigDump{
		Bootstrap: &bootstrapv3.Bootstrap{
			Node:            px.node,
			StaticResources: &bootstrapv3.Bootstrap_StaticResources{Clusters: px.staticClusters()},
			DynamicResources: &bootstrapv3.Bootstrap_DynamicResources{
				LdsConfig: ads, CdsConfig: ads,
				AdsConfig: &corev3.ApiConfigSource{ApiType: corev3.ApiConfigSource_GRPC, TransportApiVersion: corev3.ApiVersion_V3,
					GrpcServices: []*corev3.GrpcService{{TargetSpecifier: &corev3.GrpcService_EnvoyGrpc_{
						EnvoyGrpc: &corev3.GrpcService_EnvoyGrpc{ClusterName: "xds-grpc"}}}}},
			},
			Admin: &bootstrapv3.Admin{Address: sockAddr("127.0.0.1", 15000)},
		},
		LastUpdated: ts(px.started),
	}
	cs := px.state[typeCluster]
	cd := &adminv3.ClustersConfigDump{VersionInfo: cs.version}
	for _, c := range px.staticClusters() {
		cd.StaticClusters = append(cd.StaticClusters, &adminv3.ClustersConfigDump_StaticCluster{Cluster: mustAny(c), LastUpdated: ts(px.started)})
	}
	for _, r := range sortedResources(cs) {
		cd.DynamicActiveClusters = append(cd.DynamicActiveClusters, &adminv3.ClustersConfigDump_DynamicCluster{
			VersionInfo: r.version, Cluster: r.any, LastUpdated: ts(r.lastUpdated)})
	}
	ls := px.state[typeListener]
	ld := &adminv3.ListenersConfigDump{VersionInfo: ls.version}
	for _, r := range sortedResources(ls) {
		ld.DynamicListeners = append(ld.DynamicListeners, &adminv3.ListenersConfigDump_DynamicListener{
			Name: r.name,
			ActiveState: &adminv3.ListenersConfigDump_DynamicListenerState{
				VersionInfo: r.version, Listener: r.any, LastUpdated: ts(r.lastUpdated)},
		})
	}
	rs := px.state[typeRoute]
	rd := &adminv3.RoutesConfigDump{}
	for _, r := range sortedResources(rs) {
		rd.DynamicRouteConfigs = append(rd.DynamicRouteConfigs, &adminv3.RoutesConfigDump_DynamicRouteConfig{
			VersionInfo: r.version, RouteConfig: r.any, LastUpdated: ts(r.lastUpdated)})
	}
	out := []proto.Message{boot, cd, ld, &adminv3.ScopedRoutesConfigDump{}, rd, secrets}
	if includeEDS {
		es := px.state[typeEndpoint]
		ed := &adminv3.EndpointsConfigDump{}
		for _, r := range sortedResources(es) {
			ed.DynamicEndpointConfigs = append(ed.DynamicEndpointConfigs, &adminv3.EndpointsConfigDump_DynamicEndpointConfig{
				VersionInfo: r.version, EndpointConfig: r.any, LastUpdated: ts(r.lastUpdated)})
		}
		out = append(out, ed)
	}
	return out
}

func sortedResources(s *typeState) []*resource {
	out := make([]*resource, 0, len(s.resources))
	for _, r := range s.resources {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// toJSONMap renders a message with an "@type" like Envoy's admin output.
func toJSONMap(m proto.Message) (map[string]any, error) {
	b, err := pj.Marshal(mustAny(m))
	if err != nil {
		return nil, err
	}
	var out map[string]any
	err = json.Unmarshal(b, &out)
	return out, err
}

func (px *proxy) handleConfigDump(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	includeEDS := q.Has("include_eds")
	var mask [][]string
	if m := q.Get("mask"); m != "" {
		for _, p := range strings.Split(m, ",") {
			mask = append(mask, strings.Split(strings.TrimSpace(p), "."))
		}
	}
	var nameRe *regexp.Regexp
	if n := q.Get("name_regex"); n != "" {
		re, err := regexp.Compile("^(?:" + n + ")$")
		if err != nil {
			http.Error(w, "invalid name_regex: "+err.Error(), http.StatusBadRequest)
			return
		}
		nameRe = re
	}
	configs := []any{}
	resourceField := q.Get("resource")
	found := resourceField == ""
	for _, d := range px.dumps(includeEDS || resourceField == "dynamic_endpoint_configs") {
		if resourceField != "" {
			fd := d.ProtoReflect().Descriptor().Fields().ByName(protoreflectName(resourceField))
			if fd == nil || !fd.IsList() || fd.Message() == nil {
				continue
			}
			found = true
			list := d.ProtoReflect().Get(fd).List()
			for i := 0; i < list.Len(); i++ {
				item := list.Get(i).Message().Interface()
				m, err := toJSONMap(item)
				if err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
				if nameRe != nil && !nameRe.MatchString(itemName(m)) {
					continue
				}
				configs = append(configs, applyMask(m, mask))
			}
			continue
		}
		m, err := toJSONMap(d)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		configs = append(configs, applyMask(m, mask))
	}
	if !found {
		http.Error(w, fmt.Sprintf("{\"error\":\"%s not found in config dump\"}", resourceField), http.StatusNotFound)
		return
	}
	writeJSON(w, map[string]any{"configs": configs})
}

// itemName extracts a resource's name from a rendered dump item.
func itemName(m map[string]any) string {
	if n, ok := m["name"].(string); ok {
		return n
	}
	for _, k := range []string{"cluster", "route_config", "endpoint_config"} {
		if sub, ok := m[k].(map[string]any); ok {
			for _, nk := range []string{"name", "cluster_name"} {
				if n, ok := sub[nk].(string); ok {
					return n
				}
			}
		}
	}
	return ""
}

// applyMask keeps only the given field paths (like a FieldMask), traversing lists.
func applyMask(m map[string]any, mask [][]string) map[string]any {
	if len(mask) == 0 {
		return m
	}
	out := trim(m, mask).(map[string]any)
	if t, ok := m["@type"]; ok {
		out["@type"] = t
	}
	return out
}

func trim(v any, paths [][]string) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			out = append(out, trim(e, paths))
		}
		return out
	case map[string]any:
		out := map[string]any{}
		groups := map[string][][]string{}
		whole := map[string]bool{}
		for _, p := range paths {
			if len(p) == 0 {
				continue
			}
			if len(p) == 1 {
				whole[p[0]] = true
			} else {
				groups[p[0]] = append(groups[p[0]], p[1:])
			}
		}
		for k := range whole {
			if val, ok := x[k]; ok {
				out[k] = val
			}
		}
		for k, sub := range groups {
			if whole[k] {
				continue
			}
			if val, ok := x[k]; ok {
				out[k] = trim(val, sub)
			}
		}
		return out
	default:
		return v
	}
}

// ---------------------------------------------------------------------------- clusters / listeners

type hostInfo struct {
	addr     *corev3.Address
	locality *corev3.Locality
	weight   uint32
	health   corev3.HealthStatus
	priority uint32
	hostname string
}

func hostsOf(cla *endpointv3.ClusterLoadAssignment) []hostInfo {
	var out []hostInfo
	if cla == nil {
		return nil
	}
	for _, lle := range cla.Endpoints {
		for _, le := range lle.LbEndpoints {
			ep := le.GetEndpoint()
			if ep == nil {
				continue
			}
			w := le.GetLoadBalancingWeight().GetValue()
			if w == 0 {
				w = 1
			}
			h := le.HealthStatus
			if h == corev3.HealthStatus_UNKNOWN {
				h = corev3.HealthStatus_HEALTHY
			}
			out = append(out, hostInfo{addr: ep.Address, locality: lle.Locality, weight: w, health: h,
				priority: lle.Priority, hostname: ep.Hostname})
		}
	}
	return out
}

// clusterHosts returns every known cluster (static first, then dynamic) and its hosts.
func (px *proxy) clusterHosts() ([]string, map[string][]hostInfo, map[string]bool) {
	px.mu.Lock()
	defer px.mu.Unlock()
	names := []string{}
	hosts := map[string][]hostInfo{}
	dynamic := map[string]bool{}
	for _, c := range px.staticClusters() {
		names = append(names, c.Name)
		hosts[c.Name] = hostsOf(c.LoadAssignment)
	}
	eds := px.state[typeEndpoint].resources
	for _, r := range sortedResources(px.state[typeCluster]) {
		var c clusterv3.Cluster
		if err := r.any.UnmarshalTo(&c); err != nil {
			continue
		}
		names = append(names, c.Name)
		dynamic[c.Name] = true
		if c.GetType() == clusterv3.Cluster_EDS {
			svc := c.Name
			if sn := c.GetEdsClusterConfig().GetServiceName(); sn != "" {
				svc = sn
			}
			if e := eds[svc]; e != nil {
				var cla endpointv3.ClusterLoadAssignment
				if err := e.any.UnmarshalTo(&cla); err == nil {
					hosts[c.Name] = hostsOf(&cla)
				}
			}
		} else {
			hosts[c.Name] = hostsOf(c.LoadAssignment)
		}
	}
	return names, hosts, dynamic
}

func addrString(a *corev3.Address) string {
	if sa := a.GetSocketAddress(); sa != nil {
		return fmt.Sprintf("%s:%d", sa.Address, sa.GetPortValue())
	}
	if p := a.GetPipe(); p != nil {
		return "unix://" + p.Path
	}
	if ea := a.GetEnvoyInternalAddress(); ea != nil {
		return "envoy://" + ea.GetServerListenerName() + "/" + ea.EndpointId
	}
	return ""
}

func (px *proxy) handleClusters(w http.ResponseWriter, r *http.Request) {
	names, hosts, dynamic := px.clusterHosts()
	if r.URL.Query().Get("format") == "json" {
		out := &adminv3.Clusters{}
		for _, n := range names {
			cs := &adminv3.ClusterStatus{Name: n, AddedViaApi: dynamic[n], ObservabilityName: n}
			for _, h := range hosts[n] {
				cs.HostStatuses = append(cs.HostStatuses, &adminv3.HostStatus{
					Address: h.addr, Locality: h.locality, Weight: h.weight, Priority: h.priority, Hostname: h.hostname,
					HealthStatus: &adminv3.HostHealthStatus{EdsHealthStatus: h.health},
					Stats: []*adminv3.SimpleMetric{
						{Type: adminv3.SimpleMetric_COUNTER, Name: "cx_connect_fail"},
						{Type: adminv3.SimpleMetric_COUNTER, Name: "cx_total"},
						{Type: adminv3.SimpleMetric_COUNTER, Name: "rq_error"},
						{Type: adminv3.SimpleMetric_COUNTER, Name: "rq_success"},
						{Type: adminv3.SimpleMetric_COUNTER, Name: "rq_timeout"},
						{Type: adminv3.SimpleMetric_COUNTER, Name: "rq_total"},
						{Type: adminv3.SimpleMetric_GAUGE, Name: "cx_active"},
						{Type: adminv3.SimpleMetric_GAUGE, Name: "rq_active"},
					},
				})
			}
			if dynamic[n] {
				cs.CircuitBreakers = nil
			}
			out.ClusterStatuses = append(out.ClusterStatuses, cs)
		}
		writeProto(w, out)
		return
	}
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%s::observability_name::%s\n", n, n)
		fmt.Fprintf(&b, "%s::default_priority::max_connections::4294967295\n", n)
		fmt.Fprintf(&b, "%s::added_via_api::%t\n", n, dynamic[n])
		for _, h := range hosts[n] {
			a := addrString(h.addr)
			for _, s := range []string{"cx_active", "cx_connect_fail", "cx_total", "rq_active", "rq_error", "rq_success", "rq_timeout", "rq_total"} {
				fmt.Fprintf(&b, "%s::%s::%s::0\n", n, a, s)
			}
			fmt.Fprintf(&b, "%s::%s::hostname::%s\n", n, a, h.hostname)
			fmt.Fprintf(&b, "%s::%s::health_flags::%s\n", n, a, map[bool]string{true: "healthy", false: "/failed_eds_health"}[h.health == corev3.HealthStatus_HEALTHY])
			fmt.Fprintf(&b, "%s::%s::weight::%d\n", n, a, h.weight)
			fmt.Fprintf(&b, "%s::%s::region::%s\n", n, a, h.locality.GetRegion())
			fmt.Fprintf(&b, "%s::%s::zone::%s\n", n, a, h.locality.GetZone())
			fmt.Fprintf(&b, "%s::%s::sub_zone::%s\n", n, a, h.locality.GetSubZone())
			fmt.Fprintf(&b, "%s::%s::canary::false\n", n, a)
			fmt.Fprintf(&b, "%s::%s::priority::%d\n", n, a, h.priority)
			fmt.Fprintf(&b, "%s::%s::success_rate::-1\n", n, a)
			fmt.Fprintf(&b, "%s::%s::local_origin_success_rate::-1\n", n, a)
		}
	}
	w.Header().Set("Content-Type", "text/plain")
	_, _ = w.Write([]byte(b.String()))
}

func (px *proxy) handleListeners(w http.ResponseWriter, r *http.Request) {
	px.mu.Lock()
	var ls []*listenerv3.Listener
	for _, res := range sortedResources(px.state[typeListener]) {
		var l listenerv3.Listener
		if err := res.any.UnmarshalTo(&l); err == nil {
			ls = append(ls, &l)
		}
	}
	px.mu.Unlock()
	if r.URL.Query().Get("format") == "json" {
		out := &adminv3.Listeners{}
		for _, l := range ls {
			out.ListenerStatuses = append(out.ListenerStatuses, &adminv3.ListenerStatus{Name: l.Name, LocalAddress: l.Address})
		}
		writeProto(w, out)
		return
	}
	var b strings.Builder
	for _, l := range ls {
		fmt.Fprintf(&b, "%s::%s\n", l.Name, addrString(l.Address))
	}
	w.Header().Set("Content-Type", "text/plain")
	_, _ = w.Write([]byte(b.String()))
}

// ---------------------------------------------------------------------------- stats

type stat struct {
	name    string
	value   uint64
	counter bool
	labels  map[string]string // for prometheus
	prom    string            // prometheus family name
}

func (px *proxy) stats() []stat {
	names, hosts, _ := px.clusterHosts()
	px.mu.Lock()
	defer px.mu.Unlock()
	var out []stat
	add := func(name string, v uint64, counter bool, prom string, labels map[string]string) {
		out = append(out, stat{name: name, value: v, counter: counter, prom: prom, labels: labels})
	}
	for _, t := range []struct{ typ, prefix, prom string }{
		{typeCluster, "cluster_manager.cds", "envoy_cluster_manager_cds"},
		{typeListener, "listener_manager.lds", "envoy_listener_manager_lds"},
	} {
		s := px.state[t.typ]
		add(t.prefix+".update_attempt", uint64(s.attempts), true, t.prom+"_update_attempt", nil)
		add(t.prefix+".update_success", uint64(s.successes), true, t.prom+"_update_success", nil)
		add(t.prefix+".update_rejected", uint64(s.rejections), true, t.prom+"_update_rejected", nil)
	}
	add("cluster_manager.active_clusters", uint64(len(names)), false, "envoy_cluster_manager_active_clusters", nil)
	add("listener_manager.total_listeners_active", uint64(len(px.state[typeListener].resources)), false, "envoy_listener_manager_total_listeners_active", nil)
	connected := uint64(0)
	if px.connected {
		connected = 1
	}
	add("control_plane.connected_state", connected, false, "envoy_control_plane_connected_state", nil)
	add("server.live", 1, false, "envoy_server_live", nil)
	add("server.state", 0, false, "envoy_server_state", nil)
	add("server.uptime", uint64(time.Since(px.started).Seconds()), false, "envoy_server_uptime", nil)
	for _, n := range names {
		l := map[string]string{"cluster_name": n}
		healthy := 0
		for _, h := range hosts[n] {
			if h.health == corev3.HealthStatus_HEALTHY {
				healthy++
			}
		}
		add("cluster."+n+".membership_healthy", uint64(healthy), false, "envoy_cluster_membership_healthy", l)
		add("cluster."+n+".membership_total", uint64(len(hosts[n])), false, "envoy_cluster_membership_total", l)
		add("cluster."+n+".upstream_cx_total", 0, true, "envoy_cluster_upstream_cx_total", l)
		add("cluster."+n+".upstream_rq_total", 0, true, "envoy_cluster_upstream_rq_total", l)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func (px *proxy) handleStats(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	all := px.stats()
	var re *regexp.Regexp
	if f := q.Get("filter"); f != "" {
		var err error
		if re, err = regexp.Compile(f); err != nil {
			http.Error(w, "invalid regex: "+err.Error(), http.StatusBadRequest)
			return
		}
	}
	var sel []stat
	for _, s := range all {
		if re != nil && !re.MatchString(s.name) {
			continue
		}
		if q.Has("usedonly") && s.value == 0 {
			continue
		}
		sel = append(sel, s)
	}
	if q.Get("format") == "json" {
		items := []any{}
		for _, s := range sel {
			items = append(items, map[string]any{"name": s.name, "value": s.value})
		}
		writeJSON(w, map[string]any{"stats": items})
		return
	}
	if q.Get("format") == "prometheus" {
		px.writePrometheus(w, sel)
		return
	}
	var b strings.Builder
	for _, s := range sel {
		fmt.Fprintf(&b, "%s: %d\n", s.name, s.value)
	}
	w.Header().Set("Content-Type", "text/plain")
	_, _ = w.Write([]byte(b.String()))
}

func (px *proxy) handlePrometheus(w http.ResponseWriter, _ *http.Request) {
	px.writePrometheus(w, px.stats())
}

func (px *proxy) writePrometheus(w http.ResponseWriter, sel []stat) {
	fams := map[string][]stat{}
	var order []string
	for _, s := range sel {
		if _, ok := fams[s.prom]; !ok {
			order = append(order, s.prom)
		}
		fams[s.prom] = append(fams[s.prom], s)
	}
	sort.Strings(order)
	var b strings.Builder
	for _, f := range order {
		typ := "gauge"
		if fams[f][0].counter {
			typ = "counter"
		}
		fmt.Fprintf(&b, "# TYPE %s %s\n", f, typ)
		for _, s := range fams[f] {
			var lbl []string
			keys := make([]string, 0, len(s.labels))
			for k := range s.labels {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				lbl = append(lbl, fmt.Sprintf("%s=%q", k, s.labels[k]))
			}
			if len(lbl) > 0 {
				fmt.Fprintf(&b, "%s{%s} %d\n", f, strings.Join(lbl, ","), s.value)
			} else {
				fmt.Fprintf(&b, "%s{} %d\n", f, s.value)
			}
		}
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	_, _ = w.Write([]byte(b.String()))
}

// ---------------------------------------------------------------------------- server_info, logging, health

func (px *proxy) handleServerInfo(w http.ResponseWriter, _ *http.Request) {
	up := durationpb.New(time.Since(px.started).Truncate(time.Second))
	writeProtoWith(w, pjDefaults, &adminv3.ServerInfo{
		Version:            "fake0000000000000000000000000000000000/" + envoyVersion + "/Clean/RELEASE/BoringSSL",
		State:              adminv3.ServerInfo_LIVE,
		HotRestartVersion:  "disabled",
		UptimeCurrentEpoch: up,
		UptimeAllEpochs:    up,
		CommandLineOptions: &adminv3.CommandLineOptions{
			ConfigPath: "/etc/istio/proxy/envoy-rev.json", LogLevel: "warning", ServiceCluster: px.node.Cluster,
			ServiceNode: px.nodeID, Concurrency: 2, Mode: adminv3.CommandLineOptions_Serve,
			DrainTime: durationpb.New(45 * time.Second), ParentShutdownTime: durationpb.New(60 * time.Second),
			LocalAddressIpVersion: adminv3.CommandLineOptions_v4,
		},
		Node: px.node,
	})
}

var validLevels = map[string]bool{"trace": true, "debug": true, "info": true, "warning": true, "warn": true,
	"error": true, "critical": true, "off": true}

func (px *proxy) handleLogging(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if len(q) > 0 {
		if r.Method != http.MethodPost {
			http.Error(w, "This endpoint requires POST", http.StatusMethodNotAllowed)
			return
		}
		px.mu.Lock()
		bad := ""
		for k, vs := range q {
			v := vs[len(vs)-1]
			switch {
			case k == "level" && validLevels[v]:
				for l := range px.logLevels {
					px.logLevels[l] = normLevel(v)
				}
			case k == "paths":
				for _, kv := range strings.Split(v, ",") {
					parts := strings.SplitN(kv, ":", 2)
					if len(parts) == 2 && validLevels[parts[1]] {
						px.logLevels[parts[0]] = normLevel(parts[1])
					}
				}
			case validLevels[v]:
				if _, ok := px.logLevels[k]; !ok {
					bad = k
					continue
				}
				px.logLevels[k] = normLevel(v)
			default:
				bad = k
			}
		}
		px.mu.Unlock()
		if bad != "" {
			w.WriteHeader(http.StatusNotFound)
			_, _ = fmt.Fprintf(w, "error: unknown logger or level: %s\n", bad)
			px.writeLevels(w)
			return
		}
	}
	px.writeLevels(w)
}

func normLevel(l string) string {
	if l == "warn" {
		return "warning"
	}
	return l
}

func (px *proxy) writeLevels(w http.ResponseWriter) {
	px.mu.Lock()
	defer px.mu.Unlock()
	keys := make([]string, 0, len(px.logLevels))
	for k := range px.logLevels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("active loggers:\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s: %s\n", k, px.logLevels[k])
	}
	w.Header().Set("Content-Type", "text/plain")
	_, _ = w.Write([]byte(b.String()))
}

func (px *proxy) handleHealthz(w http.ResponseWriter, _ *http.Request) {
	px.mu.Lock()
	ok := px.state[typeCluster].successes > 0 && px.state[typeListener].successes > 0
	px.mu.Unlock()
	if !ok {
		http.Error(w, "not ready: waiting for CDS and LDS", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}

func protoreflectName(s string) protoreflect.Name { return protoreflect.Name(s) }

func (px *proxy) handleCerts(w http.ResponseWriter, _ *http.Request) {
	s := px.ensureSecrets()
	if s == nil {
		writeJSON(w, map[string]any{"certificates": []any{}})
		return
	}
	details := func(pemBytes []byte) []any {
		var out []any
		for rest := pemBytes; ; {
			var b *pem.Block
			b, rest = pem.Decode(rest)
			if b == nil {
				break
			}
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				continue
			}
			var sans []any
			for _, u := range c.URIs {
				sans = append(sans, map[string]any{"uri": u.String()})
			}
			out = append(out, map[string]any{
				"path":                  "<inline>",
				"serial_number":         fmt.Sprintf("%x", c.SerialNumber),
				"subject_alt_names":     sans,
				"days_until_expiration": fmt.Sprint(int(time.Until(c.NotAfter).Hours() / 24)),
				"valid_from":            c.NotBefore.UTC().Format(time.RFC3339),
				"expiration_time":       c.NotAfter.UTC().Format(time.RFC3339),
			})
		}
		return out
	}
	writeJSON(w, map[string]any{"certificates": []any{
		map[string]any{"ca_cert": details(s.rootPEM), "cert_chain": details(s.chainPEM)},
	}})
}
