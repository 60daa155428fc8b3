import { describe, expect, expectTypeOf, it } from 'vitest';
import { Snapshot } from '../../src/analysis/snapshot.js';
import { runAnalyzers } from '../../src/analysis/engine.js';
import { defaultMeshConfig } from '../../src/analysis/mesh-config.js';
import { defineAnalyzer, type AnalysisContext, type Report } from '../../src/analysis/types.js';
import type { MessageArgs } from '../../src/messages/catalog.js';
import type { IstioMessageArgs, istioMessages } from '../../src/messages/istio.gen.js';
import type { ArgTuple } from '../../src/messages/types.js';

// Type-level cases: `npm run typecheck` (part of `npm test`) compiles this file, so each
// line marked ts-expect-error must be a type error, or tsc fails ("Unused directive").
function typeCases(ctx: AnalysisContext) {
  ctx.report({ message: 'ReferencedResourceNotFound', args: ['host', 'reviews'] });
  ctx.report({ message: 'NamespaceInjectionEnabledByDefault' });
  ctx.report({ message: 'OutlierDetectionEjectsAllHosts', args: [5, 'errors', 100] });
  ctx.report({ message: 'GatewayDuplicateCertificate', args: [['a', 'b']] });
  // @ts-expect-error one argument too few
  ctx.report({ message: 'ReferencedResourceNotFound', args: ['host'] });
  // @ts-expect-error one argument too many
  ctx.report({ message: 'ReferencedResourceNotFound', args: ['host', 'reviews', 'extra'] });
  // @ts-expect-error arguments left out
  ctx.report({ message: 'ReferencedResourceNotFound' });
  // @ts-expect-error a number where the template takes a string
  ctx.report({ message: 'ReferencedResourceNotFound', args: ['host', 42] });
  // @ts-expect-error a string where the template takes an int (%d)
  ctx.report({ message: 'OutlierDetectionEjectsAllHosts', args: ['5', 'errors', 100] });
  // @ts-expect-error a string where upstream's template takes []string
  ctx.report({ message: 'GatewayDuplicateCertificate', args: ['a'] });
  // @ts-expect-error arguments to a message that takes none
  ctx.report({ message: 'NamespaceInjectionEnabledByDefault', args: ['x'] });
  // @ts-expect-error a message that is not in the catalog
  ctx.report({ message: 'NoSuchMessage', args: [] });
}
void typeCases;

describe('typed message arguments', () => {
  it('derives each tuple from the catalog, and the generated labelled tuples agree', () => {
    expectTypeOf<MessageArgs<'ReferencedResourceNotFound'>>().toEqualTypeOf<[string, string]>();
    expectTypeOf<MessageArgs<'AnalyzerFailed'>>().toEqualTypeOf<[string, string]>();
    expectTypeOf<MessageArgs<'RetriesExceedRouteTimeout'>>().toEqualTypeOf<[string, number, string, string, string]>();
    expectTypeOf<MessageArgs<'NamespaceInjectionEnabledByDefault'>>().toEqualTypeOf<[]>();
    type Gen = (typeof istioMessages)[number];
    type FromData = { [N in Gen['name']]: ArgTuple<Extract<Gen, { name: N }>['args']> };
    expectTypeOf<FromData>().toEqualTypeOf<{ [N in keyof IstioMessageArgs]: [...IstioMessageArgs[N]] }>();
  });
});

describe('engine: wrong message arguments at run time', () => {
  const snapshot = new Snapshot([], new Set());
  const run = (emit: (ctx: AnalysisContext) => void) =>
    runAnalyzers(
      [
        defineAnalyzer({
          name: 'test.ArgsAnalyzer',
          description: 'emits what the case asks for',
          inputs: [],
          messages: ['ReferencedResourceNotFound', 'NamespaceInjectionEnabledByDefault'],
          analyze: emit,
        }),
      ],
      { snapshot, mesh: defaultMeshConfig(), istioNamespace: 'istio-system' },
    ).diagnostics.map((d) => `${d.code} ${d.message}`);

  // A JavaScript caller or a cast gets past the type check; the engine still refuses.
  const untyped = (r: unknown) => r as Report;

  it('renders a report whose arguments fit', () => {
    expect(run((ctx) => ctx.report({ message: 'ReferencedResourceNotFound', args: ['host', 'reviews'] }))).toEqual([
      'IST0101 Referenced host not found: "reviews"',
    ]);
  });

  it.each([
    [
      'too few',
      { message: 'ReferencedResourceNotFound', args: ['host'] },
      'ITS0003 Analyzer test.ArgsAnalyzer failed: emitted ReferencedResourceNotFound with 1 argument, want 2 (reftype, refval)',
    ],
    [
      'none at all',
      { message: 'ReferencedResourceNotFound' },
      'ITS0003 Analyzer test.ArgsAnalyzer failed: emitted ReferencedResourceNotFound with 0 arguments, want 2 (reftype, refval)',
    ],
    [
      'too many',
      { message: 'NamespaceInjectionEnabledByDefault', args: ['x'] },
      'ITS0003 Analyzer test.ArgsAnalyzer failed: emitted NamespaceInjectionEnabledByDefault with 1 argument, want 0',
    ],
    [
      'an undefined value',
      { message: 'ReferencedResourceNotFound', args: ['host', undefined] },
      'ITS0003 Analyzer test.ArgsAnalyzer failed: emitted ReferencedResourceNotFound without a value for argument refval',
    ],
  ])('%s: ITS0003 instead of %%!v(MISSING)', (_name, report, want) => {
    const out = run((ctx) => ctx.report(untyped(report)));
    expect(out).toEqual([want]);
    expect(out.join('\n')).not.toContain('MISSING');
  });

  it('keeps the findings that fit when one report does not', () => {
    const out = run((ctx) => {
      ctx.report(untyped({ message: 'ReferencedResourceNotFound', args: [] }));
      ctx.report({ message: 'NamespaceInjectionEnabledByDefault' });
    });
    expect(out.map((l) => l.slice(0, 7))).toEqual(['ITS0003', 'IST0148']);
  });
});
