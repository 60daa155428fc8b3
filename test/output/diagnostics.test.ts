import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toDiagnostic, type Diagnostic } from '../../src/analysis/engine.js';
import { renderGithub, renderJson, renderJunit, renderLog, renderSarif, renderYaml } from '../../src/output/diagnostics.js';
import { painter } from '../../src/output/paint.js';
import type { Resource } from '../../src/resources/types.js';
import { expectGolden } from '../helpers/golden.js';

const dir = path.join(import.meta.dirname, '../../fixtures/output');

function res(kind: string, namespace: string, name: string, file: string, line: number): Resource {
  return {
    kind,
    apiVersion: 'networking.istio.io/v1',
    name,
    namespace,
    labels: {},
    annotations: {},
    object: { apiVersion: 'networking.istio.io/v1', kind, metadata: { name, namespace } },
    source: { file, line },
    locate: () => line + 9,
  };
}

const diags: Diagnostic[] = [
  toDiagnostic('virtualservice.GatewayAnalyzer', {
    resource: res('VirtualService', 'shop', 'checkout', 'istio/checkout.yaml', 3),
    message: 'ReferencedResourceNotFound',
    args: ['gateway', 'shop/checkout-gateway'],
    path: ['spec', 'gateways', 0],
  }),
  toDiagnostic('destinationrule.CaCertificateAnalyzer', {
    resource: res('DestinationRule', 'shop', 'payments', 'istio/dr.yaml', 1),
    message: 'NoServerCertificateVerificationDestinationLevel',
    args: ['payments', 'shop', 'SIMPLE', 'payments.example.com'],
  }),
  toDiagnostic('service.PortNameAnalyzer', {
    resource: { ...res('Service', 'shop', 'cart', 'base/cart.yaml', 20), source: { file: 'base/cart.yaml', line: 20 } },
    message: 'PortNameIsNotUnderNamingConvention',
    args: ['web,"quoted"', 8080, '8080'],
  }),
];

describe('diagnostic renderers', () => {
  it('log: level, code, origin with file:line, message', () => {
    expectGolden(path.join(dir, 'diagnostics.log'), renderLog(diags, painter(false)));
  });
  it('log with color marks errors bold red and warnings yellow', () => {
    const out = renderLog(diags, painter(true));
    expect(out).toContain('\u001b[1m\u001b[31mError');
    expect(out).toContain('\u001b[33mWarning');
  });
  it('json: istioctl field order, tab-indented', () => {
    expectGolden(path.join(dir, 'diagnostics.json'), renderJson(diags));
    expect(JSON.parse(renderJson(diags))[0]).toEqual({
      code: 'IST0101',
      level: 'Error',
      message: 'Referenced gateway not found: "shop/checkout-gateway"',
      origin: 'VirtualService shop/checkout',
      reference: 'istio/checkout.yaml:12',
      documentationUrl: 'https://istio.io/latest/docs/reference/config/analysis/ist0101/?ref=istio-ts',
    });
  });
  it('yaml', () => {
    expectGolden(path.join(dir, 'diagnostics.yaml'), renderYaml(diags));
    expect(renderYaml([])).toBe('[]\n');
  });
  it('sarif 2.1.0 with rules, levels and regions', () => {
    const text = renderSarif(diags, '0.0.0-test');
    expectGolden(path.join(dir, 'diagnostics.sarif'), text);
    const log = JSON.parse(text);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['IST0101', 'IST0118', 'IST0128']);
    expect(run.results[0]).toMatchObject({
      ruleId: 'IST0101',
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'istio/checkout.yaml' }, region: { startLine: 12 } } }],
    });
    expect(run.results.map((r: { level: string }) => r.level)).toEqual(['error', 'warning', 'note']);
  });
  it('junit: a failing case per analyzer with findings at the threshold', () => {
    const xml = renderJunit(diags, ['virtualservice.GatewayAnalyzer', 'gateway.SecretAnalyzer', 'destinationrule.CaCertificateAnalyzer', 'service.PortNameAnalyzer'], (d) => d.level === 'Error');
    expectGolden(path.join(dir, 'diagnostics.junit.xml'), xml);
    expect(xml).toContain('tests="4" failures="1"');
    expect(xml).toContain('&quot;quoted&quot;');
  });
  it('github workflow commands with escaped properties', () => {
    const out = renderGithub(diags);
    expectGolden(path.join(dir, 'diagnostics.github.txt'), out);
    expect(out.split('\n')[0]).toBe(
      '::error file=istio/checkout.yaml,line=12,title=IST0101 ReferencedResourceNotFound::Referenced gateway not found: "shop/checkout-gateway" (VirtualService shop/checkout)',
    );
  });
});
