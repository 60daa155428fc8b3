import path from 'node:path';
import { describe, expect, it } from 'vitest';
import multiServiceAnalyzer from '../../../src/analyzers/deployment/multi-service-analyzer.js';
import { analyzeFiles, analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

const folder = path.join(FIXTURES, 'deployment/multi-service-analyzer');

describe('deployment.MultiServiceAnalyzer', () => {
  analyzerTable(multiServiceAnalyzer, folder, [
    {
      name: 'one port with two protocols, one targetPort behind two ports; out-of-mesh workloads are quiet',
      files: ['services.yaml'],
      expected: [
        { code: 'IST0116', origin: 'Deployment shop/dns-cache' },
        { code: 'IST0137', origin: 'Deployment shop/orders' },
      ],
    },
  ]);

  it('names the services and ports in conflict', () => {
    const ds = analyzeFiles(multiServiceAnalyzer, [path.join(folder, 'services.yaml')]);
    expect(ds.map((d) => d.message).sort()).toEqual([
      'This deployment dns-cache is associated with multiple services using port 5353 but different protocols: [shop/dns-cache-tcp shop/dns-cache-udp]',
      'This deployment orders is associated with multiple services [shop/orders shop/orders-internal] using targetPort "8080" but different ports: [80 8081].',
    ]);
  });
});
