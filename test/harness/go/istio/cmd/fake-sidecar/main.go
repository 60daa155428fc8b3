// Command fake-sidecar stands in for the istio-proxy container of every injected pod
// on a KWOK cluster, where nothing actually runs.
//
// For each pod that carries the sidecar.istio.io/status annotation (or is a gateway whose
// istio-proxy container runs `proxy router`) and has a pod IP it
//   - opens a real ADS stream (SotW) to istiod with the node id and metadata a real
//     sidecar would send, and ACKs (or, on demand, NACKs) what istiod pushes;
//   - serves an imitation of the Envoy admin API on 127.0.0.1:<ephemeral>, built from
//     what it accepted;
//   - creates a KWOK PortForward named after the pod so that port-forwarding to the
//     pod's 15000/15020/15021/15090 reaches that admin server, and a KWOK Logs object
//     so that `kubectl logs pod -c istio-proxy` shows this proxy's log file.
//
// On-demand NACKs: annotate the pod with
//
//	fake-sidecar.istio-ts.dev/nack: "LDS"          (comma list of CDS,EDS,LDS,RDS or "*")
//
// and every later response of those types is rejected with an error_detail.
//
// Pods labelled istio-ts.dev/proxy=real are left alone: test/harness/dataplane.sh runs a real
// pilot-agent and Envoy for them.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
)

const (
	statusAnnotation = "sidecar.istio.io/status"
	nackAnnotation   = "fake-sidecar.istio-ts.dev/nack"
	managedByLabel   = "app.kubernetes.io/managed-by"
	managedByValue   = "istio-ts-fake-sidecar"
	realProxyLabel   = "istio-ts.dev/proxy"
)

var (
	portForwardGVR = schema.GroupVersionResource{Group: "kwok.x-k8s.io", Version: "v1alpha1", Resource: "portforwards"}
	logsGVR        = schema.GroupVersionResource{Group: "kwok.x-k8s.io", Version: "v1alpha1", Resource: "logs"}
)

type options struct {
	kubeconfig   string
	xdsAddr      string
	stateDir     string
	istioVersion string
	clusterID    string
	domain       string
}

type manager struct {
	opts    options
	kube    kubernetes.Interface
	dyn     dynamic.Interface
	lister  func(ns, name string) (*corev1.Pod, error)
	mu      sync.Mutex
	proxies map[string]*proxy // key ns/name
}

func main() {
	var o options
	flag.StringVar(&o.kubeconfig, "kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig of the cluster")
	flag.StringVar(&o.xdsAddr, "xds-address", "127.0.0.1:15010", "istiod plaintext xDS address")
	flag.StringVar(&o.stateDir, "state-dir", ".", "directory for per-proxy log files")
	flag.StringVar(&o.istioVersion, "istio-version", "1.31-dev", "ISTIO_VERSION sent in node metadata")
	flag.StringVar(&o.clusterID, "cluster-id", "Kubernetes", "CLUSTER_ID sent in node metadata")
	flag.StringVar(&o.domain, "domain", "cluster.local", "cluster DNS domain")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)

	cfg, err := clientcmd.BuildConfigFromFlags("", o.kubeconfig)
	if err != nil {
		log.Fatalf("kubeconfig: %v", err)
	}
	cfg.QPS, cfg.Burst = 50, 100
	kc := kubernetes.NewForConfigOrDie(cfg)
	dc := dynamic.NewForConfigOrDie(cfg)
	if err := os.MkdirAll(o.stateDir, 0o755); err != nil {
		log.Fatal(err)
	}
	absState, _ := filepath.Abs(o.stateDir)
	o.stateDir = absState

	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()

	factory := informers.NewSharedInformerFactory(kc, 0)
	podInf := factory.Core().V1().Pods()
	m := &manager{opts: o, kube: kc, dyn: dc, proxies: map[string]*proxy{}}
	m.lister = func(ns, name string) (*corev1.Pod, error) { return podInf.Lister().Pods(ns).Get(name) }
	_, _ = podInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { m.sync(ctx, obj) },
		UpdateFunc: func(_, obj any) { m.sync(ctx, obj) },
		DeleteFunc: func(obj any) {
			if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = t.Obj
			}
			if p, ok := obj.(*corev1.Pod); ok {
				m.remove(p.Namespace + "/" + p.Name)
			}
		},
	})
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	log.Printf("fake-sidecar ready: xds=%s state=%s", o.xdsAddr, o.stateDir)
	<-ctx.Done()
	m.mu.Lock()
	keys := make([]string, 0, len(m.proxies))
	for k := range m.proxies {
		keys = append(keys, k)
	}
	m.mu.Unlock()
	for _, k := range keys {
		m.remove(k)
	}
}

// proxyType tells whether a pod runs an Istio proxy and of which kind: "sidecar" for
// injected pods, "router" for gateways (injected with the gateway template, or a
// Deployment whose istio-proxy container runs `proxy router`); "" for none.
func proxyType(p *corev1.Pod) string {
	if st, ok := p.Annotations[statusAnnotation]; ok {
		var status struct {
			Templates []string `json:"templates"`
		}
		_ = json.Unmarshal([]byte(st), &status)
		for _, t := range status.Templates {
			if t == "gateway" {
				return "router"
			}
		}
		return "sidecar"
	}
	for _, c := range p.Spec.Containers {
		if c.Name == "istio-proxy" && len(c.Args) >= 2 && c.Args[0] == "proxy" && c.Args[1] == "router" {
			return "router"
		}
	}
	return ""
}

func wantsProxy(p *corev1.Pod) bool {
	if p.DeletionTimestamp != nil || p.Status.PodIP == "" || proxyType(p) == "" || p.Labels[realProxyLabel] == "real" {
		return false
	}
	return p.Status.Phase == corev1.PodRunning || p.Status.Phase == corev1.PodPending
}

func (m *manager) sync(ctx context.Context, obj any) {
	p, ok := obj.(*corev1.Pod)
	if !ok {
		return
	}
	key := p.Namespace + "/" + p.Name
	if !wantsProxy(p) {
		m.remove(key)
		return
	}
	m.mu.Lock()
	if _, exists := m.proxies[key]; exists {
		m.mu.Unlock()
		return
	}
	px, err := newProxy(ctx, m, p.DeepCopy())
	if err != nil {
		m.mu.Unlock()
		log.Printf("%s: start proxy: %v", key, err)
		return
	}
	m.proxies[key] = px
	m.mu.Unlock()
	go m.publish(ctx, px)
}

func (m *manager) remove(key string) {
	m.mu.Lock()
	px := m.proxies[key]
	delete(m.proxies, key)
	m.mu.Unlock()
	if px == nil {
		return
	}
	px.stop()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, gvr := range []schema.GroupVersionResource{portForwardGVR, logsGVR} {
		err := m.dyn.Resource(gvr).Namespace(px.pod.Namespace).Delete(ctx, px.pod.Name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			log.Printf("%s: delete %s: %v", key, gvr.Resource, err)
		}
	}
	log.Printf("%s: proxy stopped", key)
}

// publish creates the KWOK PortForward and Logs objects for a proxy.
func (m *manager) publish(ctx context.Context, px *proxy) {
	port := int64(px.adminPort)
	target := map[string]any{"address": "127.0.0.1", "port": port}
	pf := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kwok.x-k8s.io/v1alpha1",
		"kind":       "PortForward",
		"metadata": map[string]any{
			"name": px.pod.Name, "namespace": px.pod.Namespace,
			"labels": map[string]any{managedByLabel: managedByValue},
		},
		"spec": map[string]any{"forwards": []any{
			map[string]any{"ports": []any{int64(15000), int64(15020), int64(15021), int64(15090)}, "target": target},
		}},
	}}
	lg := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kwok.x-k8s.io/v1alpha1",
		"kind":       "Logs",
		"metadata": map[string]any{
			"name": px.pod.Name, "namespace": px.pod.Namespace,
			"labels": map[string]any{managedByLabel: managedByValue},
		},
		"spec": map[string]any{"logs": []any{
			map[string]any{"containers": []any{"istio-proxy"}, "logsFile": px.logPath, "follow": true},
		}},
	}}
	for _, item := range []struct {
		gvr schema.GroupVersionResource
		obj *unstructured.Unstructured
	}{{portForwardGVR, pf}, {logsGVR, lg}} {
		for attempt := 0; attempt < 20; attempt++ {
			if px.stopped() {
				return
			}
			c := m.dyn.Resource(item.gvr).Namespace(px.pod.Namespace)
			_, err := c.Create(ctx, item.obj, metav1.CreateOptions{})
			if apierrors.IsAlreadyExists(err) {
				old, gerr := c.Get(ctx, px.pod.Name, metav1.GetOptions{})
				if gerr == nil {
					item.obj.SetResourceVersion(old.GetResourceVersion())
					_, err = c.Update(ctx, item.obj, metav1.UpdateOptions{})
				} else {
					err = gerr
				}
			}
			if err == nil {
				break
			}
			log.Printf("%s/%s: create %s: %v", px.pod.Namespace, px.pod.Name, item.gvr.Resource, err)
			time.Sleep(500 * time.Millisecond)
		}
	}
	px.logf("admin listening on 127.0.0.1:%d (port-forward 15000)", px.adminPort)
}

func (m *manager) currentPod(ns, name string) *corev1.Pod {
	p, err := m.lister(ns, name)
	if err != nil {
		return nil
	}
	return p
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}
