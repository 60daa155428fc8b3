package main

// Per-revision xDS routing, for a second istiod (scripts/harness.sh istiod-revision <rev>).
//
// An injected pod's istio-proxy carries the discovery address of the revision that injected it
// (PROXY_CONFIG's discoveryAddress, e.g. istiod-canary.istio-system.svc:15012). When the state
// dir holds xds-routes.json ({"istiod-canary.istio-system.svc": "127.0.0.1:16010"}), a pod whose
// discovery host is listed connects to that address instead of --xds-address; every other pod
// (and every pod when the file is absent) connects to --xds-address as before. The file is read
// when a proxy starts, so a second istiod can be added while the fake sidecar runs.

import (
	"encoding/json"
	"log"
	"net"
	"os"
	"path/filepath"

	corev1 "k8s.io/api/core/v1"
)

const routesFile = "xds-routes.json"

// discoveryAddress is the pod's injected PROXY_CONFIG discoveryAddress ("" if none).
func discoveryAddress(pod *corev1.Pod) string {
	for _, c := range pod.Spec.Containers {
		if c.Name != "istio-proxy" {
			continue
		}
		for _, e := range c.Env {
			if e.Name != "PROXY_CONFIG" || e.Value == "" {
				continue
			}
			var pc struct {
				DiscoveryAddress string `json:"discoveryAddress"`
			}
			if err := json.Unmarshal([]byte(e.Value), &pc); err == nil {
				return pc.DiscoveryAddress
			}
		}
	}
	return ""
}

// xdsAddressFor returns the loopback xDS address for the pod and, when it is routed,
// the pod's discovery address.
func xdsAddressFor(o options, pod *corev1.Pod) (addr string, routedFrom string) {
	data, err := os.ReadFile(filepath.Join(o.stateDir, routesFile))
	if err != nil {
		return o.xdsAddr, ""
	}
	routes := map[string]string{}
	if err := json.Unmarshal(data, &routes); err != nil {
		log.Printf("%s: %v (ignored)", routesFile, err)
		return o.xdsAddr, ""
	}
	da := discoveryAddress(pod)
	host, _, err := net.SplitHostPort(da)
	if err != nil {
		host = da
	}
	if a, ok := routes[host]; ok && host != "" {
		if ip, _, err := net.SplitHostPort(a); err == nil && net.ParseIP(ip).IsLoopback() {
			return a, da
		}
		log.Printf("%s: route %s -> %s is not a loopback address (ignored)", routesFile, host, a)
	}
	return o.xdsAddr, ""
}
