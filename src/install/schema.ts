import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';

/**
 * JSON Schema for IstioOperator input (install.istio.io/v1alpha1), closed where istioctl's Go
 * types are closed (spec, components, k8s, values top level, values.global, values.pilot) so a
 * typo is refused with its path, and open where upstream passes maps through to Helm
 * (meshConfig, gateways.<name>, cni, ztunnel, env maps). `coerceTypes` lets "3" satisfy an
 * integer field, which is what users writing `--set` expect.
 */
const str = { type: 'string' };
const bool = { type: 'boolean' };
const int = { type: 'integer' };
const num = { type: 'number' };
const strMap = { type: 'object', additionalProperties: { type: 'string' } };
const obj = { type: 'object' };
const arr = { type: 'array' };
const objArr = { type: 'array', items: { type: 'object' } };
const quantity = { type: ['string', 'number'] };
const resources = {
  type: 'object',
  additionalProperties: false,
  properties: {
    requests: { type: 'object', additionalProperties: quantity },
    limits: { type: 'object', additionalProperties: quantity },
    claims: objArr,
  },
};
const intOrString = { type: ['integer', 'string'] };

const k8s = {
  type: 'object',
  additionalProperties: false,
  properties: {
    affinity: obj,
    env: objArr,
    hpaSpec: {
      type: 'object',
      additionalProperties: false,
      properties: { minReplicas: int, maxReplicas: int, metrics: objArr, behavior: obj, scaleTargetRef: obj },
    },
    imagePullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'] },
    nodeSelector: strMap,
    podDisruptionBudget: {
      type: 'object',
      additionalProperties: false,
      properties: { minAvailable: intOrString, maxUnavailable: intOrString, selector: obj, unhealthyPodEvictionPolicy: str },
    },
    podAnnotations: strMap,
    priorityClassName: str,
    readinessProbe: obj,
    replicaCount: int,
    resources,
    service: obj,
    serviceAnnotations: strMap,
    securityContext: obj,
    strategy: obj,
    tolerations: objArr,
    topologySpreadConstraints: objArr,
    volumes: objArr,
    volumeMounts: objArr,
    // k8s.overlays (path patches on rendered objects) is not implemented; refusing it beats ignoring it.
  },
};

const componentProps = { enabled: bool, namespace: str, hub: str, tag: str, k8s };
const component = { type: 'object', additionalProperties: false, properties: componentProps };
const gateway = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { ...componentProps, name: str, label: strMap },
};

const global = {
  type: 'object',
  additionalProperties: false,
  properties: {
    arch: obj, caAddress: str, caName: str, certSigners: arr, configCluster: bool, configValidation: bool,
    defaultNodeSelector: strMap, defaultPodDisruptionBudget: obj, defaultResources: resources, defaultTolerations: objArr,
    externalIstiod: bool, hub: str, imagePullPolicy: str, imagePullSecrets: arr, istioNamespace: str, istiod: obj,
    ipFamilies: arr, ipFamilyPolicy: str, jwtPolicy: str, logAsJson: bool, logging: obj, meshID: str, meshNetworks: obj,
    mountMtlsCerts: bool, multiCluster: obj, nativeNftables: bool, network: str, networkPolicy: obj,
    omitSidecarInjectorConfigMap: bool, operatorManageWebhooks: bool, pilotCertProvider: str, platform: str,
    priorityClassName: str, proxy: obj, proxy_init: obj, remotePilotAddress: str, resourceScope: str, sds: obj, sts: obj,
    tag: str, trustBundleName: str, variant: str, waypoint: obj,
  },
};

const pilot = {
  type: 'object',
  additionalProperties: false,
  properties: {
    affinity: obj, autoscaleBehavior: obj, autoscaleEnabled: bool, autoscaleMax: int, autoscaleMin: int, cni: obj,
    configMap: bool, cpu: obj, deploymentLabels: strMap, enabled: bool, env: strMap,
    envVarFrom: objArr, extraContainerArgs: arr, hub: str, image: str, ipFamilies: arr, ipFamilyPolicy: str,
    jwksResolverExtraRootCA: str, keepaliveMaxServerConnectionAge: str, memory: obj, nodeSelector: strMap, pdb: obj,
    podAnnotations: strMap, podLabels: strMap, replicaCount: int, resources, rollingMaxSurge: intOrString,
    rollingMaxUnavailable: intOrString, seccompProfile: obj, serviceAccountAnnotations: strMap, serviceAnnotations: strMap,
    tag: str, taint: obj, tolerations: objArr, topologySpreadConstraints: objArr, traceSampling: num,
    trustedZtunnelName: str, trustedZtunnelNamespace: str, variant: str, volumeMounts: objArr, volumes: objArr,
  },
};

const values = {
  type: 'object',
  additionalProperties: false,
  properties: {
    base: obj, cni: obj, defaultRevision: str, experimental: obj, gatewayClasses: obj, gateways: obj, global,
    istiodRemote: {
      type: 'object',
      additionalProperties: false,
      properties: { enabled: bool, enabledLocalInjectorIstiod: bool, injectionURL: str, injectionPath: str, injectionCABundle: str },
    },
    meshConfig: obj, ownerName: str, pilot, profile: str, revision: str, revisionTags: { type: 'array', items: str },
    sidecarInjectorWebhook: obj, telemetry: obj, ztunnel: obj, configMap: bool, compatibilityVersion: str,
  },
};

export const ISTIO_OPERATOR_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    apiVersion: { enum: ['install.istio.io/v1alpha1'] },
    kind: { enum: ['IstioOperator'] },
    metadata: obj,
    spec: {
      type: 'object',
      additionalProperties: false,
      properties: {
        profile: str,
        hub: str,
        tag: str,
        revision: str,
        namespace: str,
        installPackagePath: str,
        compatibilityVersion: str,
        meshConfig: obj,
        components: {
          type: 'object',
          additionalProperties: false,
          properties: {
            base: component,
            pilot: component,
            cni: component,
            ztunnel: component,
            istiodRemote: component,
            ingressGateways: { type: 'array', items: gateway },
            egressGateways: { type: 'array', items: gateway },
          },
        },
        values,
        unvalidatedValues: obj,
      },
    },
  },
};

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  // ajv is CommonJS; a synchronous require keeps this module free of top-level await.
  const require = createRequire(import.meta.url);
  // The build writes this schema as precompiled code beside the bundle (scripts/build.mjs).
  try {
    const pre = require(fileURLToPath(new URL('./iop-validator.cjs', import.meta.url))) as ValidateFunction & { default?: ValidateFunction; schemaSha256?: string };
    if (pre.schemaSha256 === createHash('sha256').update(JSON.stringify(ISTIO_OPERATOR_SCHEMA)).digest('hex')) {
      compiled = pre.default ?? pre;
      return compiled;
    }
  } catch {
    // Not built (running from src/): compile below.
  }
  const { Ajv: AjvCtor } = require('ajv') as { Ajv: typeof Ajv };
  const ajv = new AjvCtor({ allErrors: true, coerceTypes: true, strict: false });
  compiled = ajv.compile(ISTIO_OPERATOR_SCHEMA);
  return compiled;
}

/** One schema violation: dotted field path and what is wrong. */
export interface SchemaProblem {
  readonly path: string;
  readonly message: string;
}

/** Validates (and coerces in place) an IstioOperator document. */
export function validateIstioOperator(doc: unknown): SchemaProblem[] {
  const v = validator();
  if (v(doc)) return [];
  return dedupe((v.errors ?? []).map(toProblem));
}

function toProblem(e: ErrorObject): SchemaProblem {
  const base = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join('');
  if (e.keyword === 'additionalProperties') {
    const field = (e.params as { additionalProperty: string }).additionalProperty;
    return { path: base ? `${base}.${field}` : field, message: 'unknown field' };
  }
  if (e.keyword === 'enum') {
    return { path: base, message: `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map((x) => JSON.stringify(x)).join(', ')}` };
  }
  return { path: base || '(document)', message: e.message ?? e.keyword };
}

function dedupe(ps: SchemaProblem[]): SchemaProblem[] {
  const seen = new Set<string>();
  return ps.filter((p) => {
    const k = `${p.path}\0${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
