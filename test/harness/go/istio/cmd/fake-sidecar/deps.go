package main

// Blank imports keep every Envoy/Istio extension type registered so that the
// admin imitation can render any typed config istiod sends as JSON.
import (
	_ "github.com/cncf/xds/go/udpa/type/v1"
	_ "github.com/cncf/xds/go/xds/type/v3"
	_ "istio.io/istio/pkg/config/xds"
)
