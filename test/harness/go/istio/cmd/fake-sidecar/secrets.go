package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"time"

	adminv3 "github.com/envoyproxy/go-control-plane/envoy/admin/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	tlsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// workloadSecrets is what a real sidecar gets over SDS: a workload certificate ("default")
// with the pod's SPIFFE identity, signed by istiod's CA, and the mesh root ("ROOTCA").
type workloadSecrets struct {
	chainPEM []byte
	rootPEM  []byte
	issued   time.Time
}

// ensureSecrets signs a workload certificate with the CA key istiod keeps in
// istio-system/istio-ca-secret (self-signed CA mode). Errors leave the secrets empty.
func (px *proxy) ensureSecrets() *workloadSecrets {
	px.mu.Lock()
	if px.secrets != nil {
		s := px.secrets
		px.mu.Unlock()
		return s
	}
	px.mu.Unlock()
	s, err := px.issueSecrets()
	if err != nil {
		px.logf("no workload certificate yet: %v", err)
		return nil
	}
	px.mu.Lock()
	px.secrets = s
	px.mu.Unlock()
	return s
}

func (px *proxy) issueSecrets() (*workloadSecrets, error) {
	ctx, cancel := context.WithTimeout(px.ctx, 5*time.Second)
	defer cancel()
	sec, err := px.m.kube.CoreV1().Secrets("istio-system").Get(ctx, "istio-ca-secret", metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	caCertPEM, caKeyPEM := sec.Data["ca-cert.pem"], sec.Data["ca-key.pem"]
	cb, _ := pem.Decode(caCertPEM)
	kb, _ := pem.Decode(caKeyPEM)
	if cb == nil || kb == nil {
		return nil, errors.New("istio-ca-secret has no PEM ca-cert.pem/ca-key.pem")
	}
	caCert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, err
	}
	var caKey any
	if k, err := x509.ParsePKCS1PrivateKey(kb.Bytes); err == nil {
		caKey = k
	} else if k, err := x509.ParsePKCS8PrivateKey(kb.Bytes); err == nil {
		caKey = k
	} else if k, err := x509.ParseECPrivateKey(kb.Bytes); err == nil {
		caKey = k
	} else {
		return nil, fmt.Errorf("unsupported CA key: %v", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	sa := px.pod.Spec.ServiceAccountName
	if sa == "" {
		sa = "default"
	}
	id := &url.URL{Scheme: "spiffe", Host: px.m.opts.domain, Path: fmt.Sprintf("/ns/%s/sa/%s", px.pod.Namespace, sa)}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{},
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		URIs:                  []*url.URL{id},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	chain := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	chain = append(chain, caCertPEM...)
	px.logf("workload certificate issued for %s", id)
	return &workloadSecrets{chainPEM: chain, rootPEM: caCertPEM, issued: now}, nil
}

// secretsDump renders the SDS secrets like Envoy's SecretsConfigDump (private key redacted).
func (px *proxy) secretsDump() *adminv3.SecretsConfigDump {
	s := px.ensureSecrets()
	out := &adminv3.SecretsConfigDump{}
	if s == nil {
		return out
	}
	inline := func(b []byte) *corev3.DataSource {
		return &corev3.DataSource{Specifier: &corev3.DataSource_InlineBytes{InlineBytes: b}}
	}
	version := s.issued.UTC().Format(time.RFC3339Nano)
	out.DynamicActiveSecrets = []*adminv3.SecretsConfigDump_DynamicSecret{
		{Name: "default", VersionInfo: version, LastUpdated: ts(s.issued), Secret: mustAny(&tlsv3.Secret{
			Name: "default",
			Type: &tlsv3.Secret_TlsCertificate{TlsCertificate: &tlsv3.TlsCertificate{
				CertificateChain: inline(s.chainPEM),
				PrivateKey:       inline([]byte("[redacted]")),
			}},
		})},
		{Name: "ROOTCA", VersionInfo: version, LastUpdated: ts(s.issued), Secret: mustAny(&tlsv3.Secret{
			Name: "ROOTCA",
			Type: &tlsv3.Secret_ValidationContext{ValidationContext: &tlsv3.CertificateValidationContext{
				TrustedCa: inline(s.rootPEM),
			}},
		})},
	}
	return out
}
