package main

// Blank imports keep every Envoy/Istio extension type registered so that the
// admin imitation can render any typed config istiod sends as JSON.
import (
	_ "istio.io/istio/pkg/config/xds"
)
