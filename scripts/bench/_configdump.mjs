// A generated Envoy config_dump of a sidecar in an unscoped mesh, of about the size asked for
// (the "51 MB config_dump" row of the bench).
import { closeSync, openSync, writeSync } from 'node:fs';

// ---------------------------------------------------------------- generate
// A sidecar in an unscoped mesh (no Sidecar resource): every service gives an outbound cluster,
// an EDS assignment, a virtual host and a listener, shaped like real Istio output.
function cluster(i) {
  const host = `svc-${i}.ns-${i % 97}.svc.cluster.local`;
  return {
    version_info: '2026-11-20T08:13:58Z/1041',
    cluster: {
      '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
      name: `outbound|${8000 + (i % 50)}|${i % 3 === 0 ? 'v1' : ''}|${host}`,
      type: 'EDS',
      eds_cluster_config: { eds_config: { ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' }, service_name: `outbound|${8000 + (i % 50)}||${host}` },
      connect_timeout: '10s',
      lb_policy: 'LEAST_REQUEST',
      circuit_breakers: { thresholds: [{ max_connections: 4294967295, max_pending_requests: 4294967295, max_requests: 4294967295, max_retries: 4294967295, track_remaining: true }] },
      metadata: { filter_metadata: { istio: { services: [{ host, name: `svc-${i}`, namespace: `ns-${i % 97}` }], ...(i % 3 === 0 ? { config: `/apis/networking.istio.io/v1/namespaces/ns-${i % 97}/destination-rule/svc-${i}` } : {}) } } },
      common_lb_config: { locality_weighted_lb_config: {} },
      transport_socket_matches: [
        {
          name: 'tlsMode-istio',
          match: { tlsMode: 'istio' },
          transport_socket: {
            name: 'envoy.transport_sockets.tls',
            typed_config: {
              '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
              common_tls_context: {
                tls_params: { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3' },
                alpn_protocols: ['istio-peer-exchange', 'istio'],
                tls_certificate_sds_secret_configs: [{ name: 'default', sds_config: { api_config_source: { api_type: 'GRPC', transport_api_version: 'V3', grpc_services: [{ envoy_grpc: { cluster_name: 'sds-grpc' } }], set_node_on_first_message_only: true }, initial_fetch_timeout: '0s', resource_api_version: 'V3' } }],
                combined_validation_context: { default_validation_context: { match_subject_alt_names: [{ exact: `spiffe://cluster.local/ns/ns-${i % 97}/sa/svc-${i}` }] }, validation_context_sds_secret_config: { name: 'ROOTCA', sds_config: { api_config_source: { api_type: 'GRPC', transport_api_version: 'V3', grpc_services: [{ envoy_grpc: { cluster_name: 'sds-grpc' } }], set_node_on_first_message_only: true }, initial_fetch_timeout: '0s', resource_api_version: 'V3' } } },
              },
              sni: `outbound_.${8000 + (i % 50)}_._.${host}`,
            },
          },
        },
        { name: 'tlsMode-disabled', match: {}, transport_socket: { name: 'envoy.transport_sockets.raw_buffer', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer' } } },
      ],
      filters: [{ name: 'istio.metadata_exchange', typed_config: { '@type': 'type.googleapis.com/envoy.tcp.metadataexchange.config.MetadataExchange', protocol: 'istio-peer-exchange', enable_discovery: true } }],
    },
    last_updated: '2026-11-20T08:14:02.118Z',
  };
}
function eds(i) {
  const host = `svc-${i}.ns-${i % 97}.svc.cluster.local`;
  return {
    endpoint_config: {
      '@type': 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
      cluster_name: `outbound|${8000 + (i % 50)}||${host}`,
      endpoints: [{ locality: { region: 'eu-west1', zone: `eu-west1-${'abc'[i % 3]}` }, lb_endpoints: [0, 1, 2].map((k) => ({ endpoint: { address: { socket_address: { address: `10.${(i >> 8) & 255}.${i & 255}.${k + 10}`, port_value: 8080 } }, health_check_config: {} }, health_status: 'HEALTHY', metadata: { filter_metadata: { envoy: { transport_socket_match: { tlsMode: 'istio' } }, istio: { workload: `svc-${i}-v1;ns-${i % 97};svc-${i};v1;Kubernetes` } } }, load_balancing_weight: 1 })), load_balancing_weight: 3 }],
      policy: { overprovisioning_factor: 140 },
    },
  };
}
function vhost(i) {
  const short = `svc-${i}.ns-${i % 97}`;
  return { name: `${short}.svc.cluster.local:${8000 + (i % 50)}`, domains: [`${short}.svc.cluster.local`, short, `${short}.svc`, `10.96.${(i >> 8) & 255}.${i & 255}`], routes: [{ name: 'default', match: { prefix: '/' }, route: { cluster: `outbound|${8000 + (i % 50)}||${short}.svc.cluster.local`, timeout: '0s', retry_policy: { retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes', num_retries: 2, retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate' } }], host_selection_retry_max_attempts: '5', retriable_status_codes: [503] }, max_grpc_timeout: '0s' }, decorator: { operation: `${short}.svc.cluster.local:${8000 + (i % 50)}/*` } }], include_request_attempt_count: true };
}

export function generateConfigDump(file, targetBytes) {
  const fd = openSync(file, 'w');
  let written = 0;
  const w = (s) => {
    writeSync(fd, s);
    written += Buffer.byteLength(s);
  };
  // Rough share of the dump per part: clusters 55%, EDS 25%, routes 20%.
  const per = Buffer.byteLength(JSON.stringify(cluster(1))) + Buffer.byteLength(JSON.stringify(eds(1))) + Buffer.byteLength(JSON.stringify(vhost(1)));
  const n = Math.max(1, Math.round(targetBytes / per));
  w('{"configs":[');
  w(JSON.stringify({ '@type': 'type.googleapis.com/envoy.admin.v3.BootstrapConfigDump', bootstrap: { node: { id: 'sidecar~10.1.2.3~bench-0.default~default.svc.cluster.local', metadata: { ISTIO_VERSION: '1.28.0' } } } }));
  w(',{"@type":"type.googleapis.com/envoy.admin.v3.ClustersConfigDump","version_info":"2026-11-20T08:13:58Z/1041","static_clusters":[{"cluster":{"@type":"type.googleapis.com/envoy.config.cluster.v3.Cluster","name":"xds-grpc","type":"STATIC"}}],"dynamic_active_clusters":[');
  for (let i = 0; i < n; i++) w((i ? ',' : '') + JSON.stringify(cluster(i)));
  w(']},{"@type":"type.googleapis.com/envoy.admin.v3.RoutesConfigDump","dynamic_route_configs":[');
  const perRoute = 50;
  for (let r = 0; r * perRoute < n; r++) {
    const vhs = [];
    for (let i = r * perRoute; i < Math.min(n, (r + 1) * perRoute); i++) vhs.push(vhost(i));
    w((r ? ',' : '') + JSON.stringify({ version_info: '2026-11-20T08:13:58Z/1041', route_config: { '@type': 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration', name: String(8000 + r), virtual_hosts: vhs, validate_clusters: false } }));
  }
  w(']},{"@type":"type.googleapis.com/envoy.admin.v3.EndpointsConfigDump","dynamic_endpoint_configs":[');
  for (let i = 0; i < n; i++) w((i ? ',' : '') + JSON.stringify(eds(i)));
  w(']}]}\n');
  closeSync(fd);
  return { bytes: written, services: n };
}

