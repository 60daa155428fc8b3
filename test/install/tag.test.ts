// Pure parts of src/install/tag.ts that install relies on (the command's own tests are in
// test/commands/tag/).
import { describe, expect, it } from 'vitest';
import { MANAGED_BY_LABEL, REVISION_LABEL, stampOwnership } from '../../src/install/apply/ownership.js';
import { planInstall } from '../../src/install/plan.js';
import { tagObjects } from '../../src/install/tag.js';
import type { KubeObject } from '../../src/kube/types.js';

type Obj = Record<string, any>;

/** The canary injector webhook as `istio-ts install -r canary` leaves it: with istio-ts's ownership labels. */
const installed = (): KubeObject => {
  const [r] = stampOwnership(
    [
      {
        component: 'Pilot',
        object: {
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'MutatingWebhookConfiguration',
          metadata: { name: 'istio-sidecar-injector-canary', labels: { app: 'sidecar-injector', 'istio.io/rev': 'canary', 'operator.istio.io/component': 'Pilot' } },
          webhooks: [{ name: 'rev.namespace.sidecar-injector.istio.io', clientConfig: { url: 'https://localhost:15517/inject' } }],
        },
      },
    ],
    'canary',
  );
  return r!.object as KubeObject;
};

describe('tag objects of an istio-ts-installed revision', () => {
  it('do not carry the revision’s install ownership labels (a re-install must not prune the tag)', () => {
    const canonical = installed();
    expect(canonical.metadata!.labels![MANAGED_BY_LABEL]).toBe('istio-ts');
    for (const tag of ['prod', 'default']) {
      for (const o of tagObjects({ tag, revision: 'canary', istioNamespace: 'istio-system' }, { canonical }) as Obj[]) {
        expect(Object.keys(o.metadata.labels).filter((k) => k.startsWith('install.istio-ts.dev/')), `${o.kind}/${o.metadata.name}`).toEqual([]);
        expect(o.metadata.labels).toMatchObject({ 'istio.io/rev': 'canary', 'istio.io/tag': tag });
      }
    }
  });
});

describe('planInstall and revision tags', () => {
  it('never prunes a tag webhook that still carries the revision’s ownership labels (tags made before the fix)', () => {
    const old = { ...installed(), metadata: { name: 'istio-revision-tag-prod', labels: { ...installed().metadata!.labels!, 'istio.io/tag': 'prod' } } } as KubeObject;
    const leftover = { ...installed(), metadata: { name: 'istio-sidecar-injector-old', labels: { ...installed().metadata!.labels!, [REVISION_LABEL]: 'canary' } } } as KubeObject;
    const p = planInstall({ desired: [], observed: new Map(), owned: [old, leftover], missingNamespaces: [] });
    expect(p.prune.map((t) => t.name)).toEqual(['istio-sidecar-injector-old']);
  });
});
