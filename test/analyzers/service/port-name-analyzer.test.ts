import path from 'node:path';
import { describe, expect, it } from 'vitest';
import portNameAnalyzer from '../../../src/analyzers/service/port-name-analyzer.js';
import { serviceProtocol } from '../../../src/analyzers/util/protocol.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('service.PortNameAnalyzer', () => {
  analyzerTable(portNameAnalyzer, path.join(FIXTURES, 'service/port-name-analyzer'), [
    {
      name: 'unprefixed port name, "tcp" on an ExternalName Service; kube-system and well-known ports are quiet',
      files: ['services.yaml'],
      expected: [
        { code: 'IST0118', origin: 'Service shop/storefront', line: 15 },
        { code: 'IST0150', origin: 'Service shop/payments-provider', line: 41 },
      ],
    },
  ]);
});

describe('Service port protocol', () => {
  it.each([
    [80, 'http', '', undefined, 'HTTP'],
    [80, 'HTTP2-api', '', undefined, 'HTTP2'],
    [80, 'grpc-web', '', undefined, 'GRPC-Web'],
    [80, 'web', '', 'kubernetes.io/h2c', 'HTTP2'],
    [80, 'web', '', 'http', 'HTTP'],
    [53, 'dns', 'UDP', undefined, 'UDP'],
    [53, '', '', undefined, 'TCP'],
    [8080, '', '', undefined, 'UnsupportedProtocol'],
    [8080, 'metrics', '', undefined, 'UnsupportedProtocol'],
  ] as const)('port %i name %j protocol %j appProtocol %j → %s', (port, name, proto, app, want) => {
    expect(serviceProtocol(port, name, proto, app)).toBe(want);
  });
});
