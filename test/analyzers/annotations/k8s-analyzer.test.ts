import path from 'node:path';
import { describe, expect, it } from 'vitest';
import k8sAnalyzer, { isIstioAnnotation } from '../../../src/analyzers/annotations/k8s-analyzer.js';
import { ANNOTATION_VALIDATORS } from '../../../src/analyzers/annotations/validators.js';
import { analyzeFiles, analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

const folder = path.join(FIXTURES, 'annotations/k8s-analyzer');

describe('annotations.K8sAnalyzer', () => {
  analyzerTable(k8sAnalyzer, folder, [
    {
      name: 'unknown, invalid, deprecated and misplaced annotations',
      files: ['annotated.yaml'],
      expected: [
        { code: 'IST0108', origin: 'Service shop/catalog', line: 8 },
        { code: 'IST0125', origin: 'Pod shop/catalog-6f7d8-abcde', line: 28 },
        { code: 'IST0135', origin: 'Pod shop/reports-0', line: 42 },
        { code: 'IST0125', origin: 'Pod shop/reports-0', line: 43 },
        { code: 'IST0107', origin: 'Deployment shop/inventory', line: 55 },
        { code: 'IST0107', origin: 'Namespace shop', line: 77 },
      ],
    },
  ]);

  it('explains the rejected value as the injector does', () => {
    const ds = analyzeFiles(k8sAnalyzer, [path.join(folder, 'annotated.yaml')]);
    expect(ds.map((d) => d.message)).toContain(
      'Invalid annotation readiness.status.sidecar.istio.io/failureThreshold: strconv.ParseUint: parsing "three": invalid syntax',
    );
    expect(ds.map((d) => d.message)).toContain(
      'Misplaced annotation: sidecar.istio.io/proxyCPU can only be applied to Pod',
    );
  });
});

describe('Istio annotation namespace', () => {
  it.each([
    ['sidecar.istio.io/inject', true],
    ['readiness.status.sidecar.istio.io/periodSeconds', true],
    ['kubernetes.io/ingress.class', true],
    ['kubernetes.io/psp', false],
    ['meta.helm.sh/release-name', false],
    ['notistio.io.example.com/x', false],
  ] as const)('%s → %s', (ann, want) => expect(isIstioAnnotation(ann)).toBe(want));
});

describe('injector annotation validators', () => {
  const v = (name: string, value: string) => ANNOTATION_VALIDATORS.get(name)!(value);
  it.each([
    ['sidecar.istio.io/interceptionMode', 'TPROXY', true],
    ['sidecar.istio.io/interceptionMode', 'tproxy', false],
    ['status.sidecar.istio.io/port', '15020', true],
    ['status.sidecar.istio.io/port', '70000', false],
    ['readiness.status.sidecar.istio.io/periodSeconds', '10', true],
    ['readiness.status.sidecar.istio.io/periodSeconds', '-1', false],
    ['traffic.sidecar.istio.io/includeOutboundIPRanges', '*', true],
    ['traffic.sidecar.istio.io/includeOutboundIPRanges', '10.0.0.0/8,172.16.0.0/12', true],
    ['traffic.sidecar.istio.io/includeOutboundIPRanges', '10.0.0.0/8, 172.16.0.0/12', false],
    ['traffic.sidecar.istio.io/excludeOutboundIPRanges', '', true],
    ['traffic.sidecar.istio.io/excludeOutboundIPRanges', '10.0.0.0/33', false],
    ['traffic.sidecar.istio.io/includeInboundPorts', '*', true],
    ['traffic.sidecar.istio.io/excludeInboundPorts', '15020, 9090', true],
    ['traffic.sidecar.istio.io/excludeOutboundPorts', '443,http', false],
    ['prometheus.istio.io/merge-metrics', 'false', true],
    ['prometheus.istio.io/merge-metrics', 'no', false],
    ['proxy.istio.io/config', 'concurrency: 2\nterminationDrainDuration: 30s', true],
    ['proxy.istio.io/config', 'concurency: 2', false],
    ['proxy.istio.io/config', 'drainDuration: soon', false],
  ] as const)('%s=%j valid=%s', (name, value, valid) => expect(v(name, value) === undefined).toBe(valid));
});
