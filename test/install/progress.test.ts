import { describe, expect, it } from 'vitest';
import { spinnerWidth } from '../../src/cli/prompt.js';
import type { ComponentReadiness } from '../../src/install/readiness.js';
import { goDuration, progressObserver, summarizeChanges } from '../../src/output/install.js';
import { capture } from '../commands/install/helpers.js';

const waiting = (reason: string): ComponentReadiness => ({
  ready: false,
  targets: [{ ref: 'Deployment/istio-system/istiod', ready: false, detail: '0/1 replicas available', problems: [] }],
  blockers: [{ namespace: 'istio-system', pod: 'istiod-6b8d9f7c5-qq2kd', container: 'discovery', reason }],
  events: [],
});

describe('progressObserver', () => {
  it('plain lines: one per change of the waiting detail, else one per 15 s', () => {
    let err = '';
    const o = progressObserver((s) => (err += s), { color: false, timeoutMs: 300_000 });
    o.componentStart('Pilot', ['Deployment/istio-system/istiod']);
    for (const [ms, reason] of [[0, 'ContainerCreating'], [2000, 'ContainerCreating'], [4000, 'ImagePullBackOff'], [6000, 'ImagePullBackOff'], [20_000, 'ImagePullBackOff']] as const) o.componentWaiting('Pilot', waiting(reason), ms);
    o.componentDone({ component: 'Pilot', status: 'ready', applied: 2, objects: 17, elapsedMs: 21_000 });
    expect(err.split('\n')).toEqual([
      '… Istiod: applying, then waiting for Deployment/istio-system/istiod',
      '  Istiod: waiting for Deployment/istio-system/istiod (0/1 replicas available); pod istiod-6b8d9f7c5-qq2kd container discovery: ContainerCreating [0s]',
      '  Istiod: waiting for Deployment/istio-system/istiod (0/1 replicas available); pod istiod-6b8d9f7c5-qq2kd container discovery: ImagePullBackOff [4s]',
      '  Istiod: waiting for Deployment/istio-system/istiod (0/1 replicas available); pod istiod-6b8d9f7c5-qq2kd container discovery: ImagePullBackOff [20s]',
      '✔ Istiod installed [21s]',
      '',
    ]);
  });

  it('spinner: text updated in place and cut to the terminal width; stopped before the result line', () => {
    let err = '';
    const texts: string[] = [];
    const events: string[] = [];
    const spinner = (text: string) => {
      texts.push(text);
      const s = {
        set text(t: string) {
          texts.push(t);
        },
        get text() {
          return texts[texts.length - 1]!;
        },
        start: () => (events.push('start'), s),
        stop: () => (events.push('stop'), s),
      };
      return s;
    };
    const o = progressObserver((s) => (err += s), { color: false, timeoutMs: 300_000, spinner, width: 60 });
    o.componentStart('Pilot', ['Deployment/istio-system/istiod']);
    o.componentWaiting('Pilot', waiting('ImagePullBackOff'), 2000);
    o.componentDone({ component: 'Pilot', status: 'ready', applied: 1, objects: 17, elapsedMs: 3000 });
    expect(events).toEqual(['start', 'stop']);
    expect(texts.every((t) => t.length <= 57)).toBe(true);
    expect(texts[1]).toMatch(/^Istiod: waiting for Deployment\/istio-system\/istiod.*…$/);
    expect(err).toBe('✔ Istiod installed [3s]\n');
  });
});

describe('spinnerWidth', () => {
  const withStderr = (stderr: object, env: Record<string, string> = {}) => {
    const c = capture();
    Object.assign(c.ctx.io, { stderr: { write: () => true, ...stderr }, env });
    return spinnerWidth(c.ctx);
  };
  it.each([
    [{ isTTY: true, columns: 120 }, {}, 120],
    [{ isTTY: true, columns: 0 }, {}, undefined],
    [{ isTTY: false, columns: 120 }, {}, undefined],
    [{ isTTY: true, columns: 120 }, { CI: 'true' }, undefined],
    [{ isTTY: true, columns: 120 }, { TERM: 'dumb' }, undefined],
  ] as const)('%o %o → %s', (stderr, env, want) => expect(withStderr(stderr, env)).toBe(want));
});

describe('goDuration', () => {
  it.each([
    [0, '0s'],
    [42_000, '42s'],
    [300_000, '5m0s'],
    [3_723_000, '1h2m3s'],
  ])('%i → %s', (ms, s) => expect(goDuration(ms)).toBe(s));
});

describe('summarizeChanges', () => {
  it('collapses label and annotation keys', () => {
    expect(summarizeChanges(['data.mesh', 'metadata.labels.a', 'metadata.labels.b', 'metadata.annotations.x', 'spec.replicas'])).toEqual(['data.mesh', 'metadata.labels', 'metadata.annotations', 'spec.replicas']);
  });
});
