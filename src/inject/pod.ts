/**
 * Injecting one pod (pkg/kube/inject webhook.go injectPod + RunTemplate + postProcessPod, rewritten):
 * render each selected template, strategically merge it into the pod, re-apply the user's own
 * istio-proxy customisations, then the steps templates cannot express — cluster/network env,
 * Prometheus merge, app probe rewrite, the status annotation and container order.
 */
import { isPlainObject, deepMerge } from '../util/objects.js';
import { compile, markStringMap, type Template } from './template/index.js';
import { istioFuncs } from './funcs.js';
import { strategicMerge } from './merge.js';
import { canonicalQuantity } from './quantity.js';
import { dumpAppProbers, mergeOrAppendProbers, rewriteAppProbes } from './probes.js';
import type { InjectionSettings } from './settings.js';
import { parse as yamlParseFull } from 'yaml';
import { parseYaml } from '../resources/fast-yaml.js';
import { KindError } from '../util/errors.js';

// Rendered templates, values and mesh config take the fast path for plain YAML (same values, same errors).
const yamlParse = (text: string): unknown => parseYaml(text, yamlParseFull);

type Obj = Record<string, unknown>;

export interface PodInput {
  metadata: Obj;
  spec: Obj;
  typeMeta: { apiVersion: string; kind: string };
  deployMeta: { name: string; namespace: string };
}

export class InjectionError extends KindError {
  override name = 'InjectionError';
  constructor(message: string) {
    super(message, 'data', 'check the workload and the injection template');
  }
}

const PROXY = 'istio-proxy';
const INIT = 'istio-init';
const VALIDATION = 'istio-validation';
const CORE_DUMP = 'enable-core-dump';

const rec = (v: unknown): Obj => (isPlainObject(v) ? v : {});
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isPlainObject) : []);
const strMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(rec(v))) out[k] = typeof x === 'string' ? x : String(x);
  return out;
};

/**
 * mesh.DefaultProxyConfig(): what istiod's cleanProxyConfig compares PROXY_CONFIG against. These
 * are the compiled-in defaults, not the mesh config's defaultConfig — a `defaultConfig` the user
 * sets (interceptionMode: TPROXY, drainDuration: 23s) differs from them and so reaches the proxy.
 */
const DEFAULT_PROXY_CONFIG: Readonly<Obj> = {
  configPath: './etc/istio/proxy',
  binaryPath: '/usr/local/bin/envoy',
  controlPlaneAuthPolicy: 'MUTUAL_TLS',
  serviceCluster: 'istio-proxy',
  drainDuration: '45s',
  terminationDrainDuration: '5s',
  discoveryAddress: 'istiod.istio-system.svc:15012',
  proxyAdminPort: 15000,
  statNameLength: 189,
  statusPort: 15020,
};

/** proto3 JSON leaves zero values out: enums at 0, empty strings, lists and maps. */
function isProtoZero(k: string, v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  if (k === 'interceptionMode' && v === 'REDIRECT') return true;
  if (Array.isArray(v)) return v.length === 0;
  return isPlainObject(v) && Object.keys(v).length === 0;
}

/** istiod's protoToJSON(cleanProxyConfig(pc)): the ProxyConfig fields that differ from the compiled-in defaults. */
export function proxyConfigJSON(pc: unknown): string {
  const out: Obj = {};
  for (const [k, v] of Object.entries(rec(pc))) {
    if (isProtoZero(k, v)) continue;
    if (k in DEFAULT_PROXY_CONFIG && JSON.stringify(v) === JSON.stringify(DEFAULT_PROXY_CONFIG[k])) continue;
    out[k] = v;
  }
  return JSON.stringify(out);
}

/** Parses proxy.istio.io/config (YAML or JSON ProxyConfig) and layers it on the mesh default. */
export function effectiveProxyConfig(mesh: Obj, annotations: Record<string, string>): Obj {
  const base = rec(mesh.defaultConfig);
  const raw = annotations['proxy.istio.io/config'];
  if (raw === undefined) return base;
  let overlay: unknown;
  try {
    overlay = yamlParse(raw);
  } catch (e) {
    throw new InjectionError(`invalid proxy.istio.io/config annotation: ${(e as Error).message}`);
  }
  if (overlay !== null && !isPlainObject(overlay)) throw new InjectionError('invalid proxy.istio.io/config annotation: expected a ProxyConfig mapping');
  return deepMerge(base, overlay ?? {}) as Obj;
}

function proxyImage(values: Obj, annotations: Record<string, string>, which: 'proxy' | 'proxy_init' = 'proxy'): string {
  const global = rec(values.global);
  const proxy = rec(global[which]);
  const image = String(proxy.image || 'proxyv2');
  if (image.includes('/')) return image;
  let tag = String(global.tag ?? '');
  let variant = String(global.variant ?? '');
  if (annotations['sidecar.istio.io/proxyImageType'] !== undefined) variant = annotations['sidecar.istio.io/proxyImageType'];
  for (const t of ['distroless', 'debug']) if (variant && tag.endsWith(`-${t}`)) tag = tag.slice(0, -(t.length + 1));
  if (variant && variant !== 'default') tag = `${tag}-${variant}`;
  return `${String(global.hub ?? '')}/${image}:${tag}`;
}

const compiled = new Map<string, Template>();

function templateFor(name: string, text: string, settings: InjectionSettings): Template {
  // Functions close over the settings' env; cache per template text and env identity.
  const key = `${name}\u0000${text}`;
  const hit = compiled.get(key);
  if (hit && (hit as Template & { env?: unknown }).env === settings.env) return hit;
  const t = compile(name, text, istioFuncs(settings.env, proxyConfigJSON)) as Template & { env?: unknown };
  t.env = settings.env;
  compiled.set(key, t);
  return t;
}

function findContainer(list: Obj[], name: string): Obj | undefined {
  return list.find((c) => c.name === name);
}

function moveContainer(list: Obj[], name: string, where: 'first' | 'last' | 'remove'): Obj[] {
  const match = list.find((c) => c.name === name);
  const rest = list.filter((c) => c.name !== name);
  if (!match || where === 'remove') return rest;
  return where === 'first' ? [match, ...rest] : [...rest, match];
}

/** corev1.Container's JSON field order; encoding/json prints the struct-valued `resources` even when empty. */
const CONTAINER_FIELDS = ['name', 'image', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'resizePolicy', 'restartPolicy', 'volumeMounts', 'volumeDevices', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy', 'securityContext', 'stdin', 'stdinOnce', 'tty'];

/** Go field order of the corev1 structs a container holds, by the field that holds them. */
const PROBE_FIELDS = ['exec', 'httpGet', 'tcpSocket', 'grpc', 'initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold', 'terminationGracePeriodSeconds'];
const NESTED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  resources: ['limits', 'requests', 'claims'],
  volumeMounts: ['name', 'readOnly', 'recursiveReadOnly', 'mountPath', 'subPath', 'mountPropagation', 'subPathExpr'],
  ports: ['name', 'hostPort', 'containerPort', 'protocol', 'hostIP'],
  env: ['name', 'value', 'valueFrom'],
  livenessProbe: PROBE_FIELDS,
  readinessProbe: PROBE_FIELDS,
  startupProbe: PROBE_FIELDS,
  httpGet: ['path', 'port', 'host', 'scheme', 'httpHeaders'],
  securityContext: ['capabilities', 'privileged', 'seLinuxOptions', 'windowsOptions', 'runAsUser', 'runAsGroup', 'runAsNonRoot', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation', 'procMount', 'seccompProfile', 'appArmorProfile'],
  capabilities: ['add', 'drop'],
};

function goOrdered(v: unknown, field: string): unknown {
  if (Array.isArray(v)) return v.map((x) => goOrdered(x, field));
  if (!isPlainObject(v)) return v;
  const order = NESTED_FIELDS[field];
  const out: Obj = {};
  for (const k of order ?? []) if (v[k] !== undefined) out[k] = goOrdered(v[k], k);
  for (const [k, x] of Object.entries(v)) {
    if (k in out) continue;
    // resource.Quantity marshals in canonical form ("3000m" prints as "3").
    out[k] = (field === 'limits' || field === 'requests') && (typeof x === 'string' || typeof x === 'number') ? canonicalQuantity(x) : goOrdered(x, k);
  }
  return out;
}

/** A container as Go's json.Marshal of corev1.Container prints it (the proxy.istio.io/overrides annotation). */
function goContainerJSON(c: Obj): Obj {
  const out: Obj = {};
  for (const k of CONTAINER_FIELDS) {
    if (c[k] !== undefined) out[k] = goOrdered(c[k], k);
    else if (k === 'resources') out[k] = {};
  }
  for (const [k, v] of Object.entries(c)) if (!(k in out)) out[k] = v;
  return out;
}

/** Go's strutil.SanitizeLabelName: prometheus.io/scrape, prometheus-io/scrape… all mean the same. */
const sanitize = (k: string): string => k.replace(/[^a-zA-Z0-9_]/g, '_');

function parseBool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  return undefined;
}

/** Data-plane ports the agent refuses to scrape for metrics merging (status.IstioReservedPortReason). */
const RESERVED_PORTS: Readonly<Record<string, string>> = {
  '15000': 'Envoy admin',
  '15001': 'outbound traffic capture',
  '15004': 'pilot debug',
  '15006': 'inbound traffic capture',
  '15008': 'HBONE tunnel',
  '15020': 'pilot-agent status / merged Prometheus',
  '15021': 'Envoy health',
  '15053': 'DNS proxy',
  '15090': 'Envoy Prometheus (already merged)',
};

const PROMETHEUS_KEYS = ['prometheus_io_port', 'prometheus_io_scrape', 'prometheus_io_path', 'prometheus_istio_io_scrape_targets'];

/** status.ParseScrapeTargets: "port:path,port" — the path defaults to /metrics; an empty port is an error. */
export function parseScrapeTargets(raw: string): { port: string; path: string }[] | string {
  const out: { port: string; path: string }[] = [];
  for (const e of raw.split(',')) {
    const entry = e.trim();
    if (!entry) continue;
    const colon = entry.indexOf(':');
    const port = (colon < 0 ? entry : entry.slice(0, colon)).trim();
    if (!port) return `empty port in scrape target "${entry}"`;
    const path = colon < 0 ? '' : entry.slice(colon + 1).trim();
    out.push({ port, path: path || '/metrics' });
  }
  return out;
}

/** Go's strconv.Atoi as far as a port needs it: an optional sign and decimal digits. */
const atoi = (v: string): number => (/^[+-]?\d{1,10}$/.test(v) ? Number(v) : NaN);

/**
 * webhook.go applyPrometheusMerge: the app's prometheus.io annotations (and the
 * prometheus.istio.io/scrape-targets list) move into ISTIO_PROMETHEUS_ANNOTATIONS for the agent,
 * and the pod's annotations point Prometheus at the agent's merged endpoint. Ports that cannot be
 * scraped are an injection error, as in istiod.
 */
function applyPrometheusMerge(meta: Obj, spec: Obj, mesh: Obj, statusPort: number): void {
  const ann = rec(meta.annotations) as Record<string, string>;
  let scrape = true;
  for (const [k, v] of Object.entries(ann)) {
    if (sanitize(k) === 'prometheus_io_scrape') {
      const b = parseBool(v);
      if (b !== undefined) scrape = b;
    }
  }
  let merge = typeof mesh.enablePrometheusMerge === 'boolean' ? mesh.enablePrometheusMerge : true;
  const annMerge = parseBool(ann['prometheus.istio.io/merge-metrics']);
  if (annMerge !== undefined) merge = annMerge;
  if (!scrape || !merge) return;
  const target = String(statusPort);
  const cfg = { scrape: '', path: '', port: '' };
  let targets: { port: string; path: string }[] = [];
  let portSet = false;
  for (const [k, v] of Object.entries(ann)) {
    const s = sanitize(k);
    if (s === 'prometheus_io_port') {
      cfg.port = v;
      portSet = true;
    } else if (s === 'prometheus_io_scrape') cfg.scrape = v;
    else if (s === 'prometheus_io_path') cfg.path = v;
    else if (s === 'prometheus_istio_io_scrape_targets') {
      // istiod logs an unparsable list and goes on without it.
      const parsed = parseScrapeTargets(v);
      if (typeof parsed !== 'string') targets = parsed;
    }
  }
  if (portSet && cfg.port === target) return; // already pointing at the agent: re-injection or the user's choice
  if (targets.length > 0) {
    // Old agents only know port/path: they scrape the first target.
    cfg.port = targets[0]!.port;
    cfg.path = targets[0]!.path;
    for (const t of targets) {
      const n = atoi(t.port);
      if (!(n >= 1 && n <= 65535)) throw new InjectionError(`invalid prometheus scrape targets: invalid target port "${t.port}"`);
      const canon = String(n);
      if (canon === target) throw new InjectionError(`invalid prometheus scrape targets: target port ${t.port} conflicts with agent port`);
      if (RESERVED_PORTS[canon]) throw new InjectionError(`invalid prometheus scrape targets: target port ${t.port} is reserved for Istio (${RESERVED_PORTS[canon]}) and cannot be scraped`);
    }
  } else if (cfg.port !== '') {
    const n = atoi(cfg.port);
    if (!(n >= 1 && n <= 65535)) throw new InjectionError(`invalid prometheus scrape configuration: invalid port "${cfg.port}"`);
    const canon = String(n);
    if (canon === target) throw new InjectionError(`invalid prometheus scrape configuration: port ${cfg.port} conflicts with agent port`);
    if (RESERVED_PORTS[canon]) throw new InjectionError(`invalid prometheus scrape configuration: port ${cfg.port} is reserved for Istio (${RESERVED_PORTS[canon]}) and cannot be scraped`);
  }
  const sidecar = findContainer([...arr(spec.containers), ...arr(spec.initContainers)], PROXY);
  const empty = cfg.scrape === '' && cfg.path === '' && cfg.port === '' && targets.length === 0;
  if (sidecar && !empty) {
    // status.PrometheusScrapeConfiguration: scrape, path and port always, targets when there are any.
    const value = targets.length > 0 ? { ...cfg, targets } : cfg;
    sidecar.env = [...arr(sidecar.env), { name: 'ISTIO_PROMETHEUS_ANNOTATIONS', value: JSON.stringify(value) }];
  }
  const next: Record<string, string> = {};
  for (const [k, v] of Object.entries(ann)) if (!PROMETHEUS_KEYS.includes(sanitize(k))) next[k] = v;
  next['prometheus.io/port'] = target;
  next['prometheus.io/path'] = '/stats/prometheus';
  next['prometheus.io/scrape'] = 'true';
  meta.annotations = next;
}

/**
 * webhook.go applySecurePrometheusAnnotation: a sidecar with ENVOY_SECURE_MERGED_METRICS_PORT
 * advertises it in prometheus.istio.io/secure-port, unless the user set that annotation.
 */
function applySecurePrometheusAnnotation(meta: Obj, spec: Obj): void {
  const ann = rec(meta.annotations) as Record<string, string>;
  if (Object.keys(ann).some((k) => sanitize(k) === 'prometheus_istio_io_secure_port')) return;
  const sidecar = findContainer([...arr(spec.containers), ...arr(spec.initContainers)], PROXY);
  const port = arr(sidecar?.env).find((e) => e.name === 'ENVOY_SECURE_MERGED_METRICS_PORT')?.value;
  if (typeof port === 'string' && port !== '' && port !== '0') meta.annotations = { ...ann, 'prometheus.istio.io/secure-port': port };
}

/** The container names a sidecar.istio.io/status annotation lists, or null when it is absent or not JSON. */
function parseInjectionStatus(raw: string | undefined): { containers: string[]; initContainers: string[] } | null {
  if (raw === undefined) return null;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  const names = (x: unknown): string[] => (Array.isArray(x) ? x.map(String) : []);
  return isPlainObject(v) ? { containers: names(v.containers), initContainers: names(v.initContainers) } : null;
}

function statusAnnotation(templateSpec: Obj, revision: string): string {
  const names = (v: unknown): string[] | null => {
    const l = arr(v).map((c) => String(c.name));
    return l.length ? l : null;
  };
  return JSON.stringify({
    initContainers: names(templateSpec.initContainers),
    containers: names(templateSpec.containers),
    volumes: names(templateSpec.volumes),
    imagePullSecrets: names(templateSpec.imagePullSecrets),
    revision: revision || 'default',
  });
}

type Pod = { metadata: Obj; spec: Obj };
type Overrides = { containers?: Obj[]; initContainers?: Obj[] };
type InjectionStatus = { containers: string[]; initContainers: string[] };

/**
 * Returns the injected pod (metadata + spec). Throws InjectionError on a broken template. The
 * steps of istiod's injectPod (pkg/kube/inject/webhook.go): strip a previous injection, run the
 * selected templates over the pod and merge them in, re-apply the user's own versions of the
 * injected containers, then postProcessPod.
 */
export function injectPod(input: PodInput, settings: InjectionSettings): Pod {
  const original: Pod = { metadata: structuredClone(input.metadata), spec: structuredClone(input.spec) };
  const annotations = strMap(original.metadata.annotations);
  const proxyConfig = effectiveProxyConfig(settings.mesh as Obj, annotations);
  const statusPort = Number(proxyConfig.statusPort ?? 15020);
  const existingOverrides = storedOverrides(annotations);
  const prevStatus = parseInjectionStatus(annotations['sidecar.istio.io/status']);
  const stripped = stripPod(original, annotations, prevStatus, existingOverrides, statusPort);
  const data = templateData(input, stripped, proxyConfig, annotations, settings);
  const { merged, templateSpec } = runTemplates(original, data, annotations, settings);
  reapplyUserContainers(merged, templateSpec, original, annotations, prevStatus, existingOverrides);
  adjustInitContainerUser(merged.spec, original.spec, proxyConfig, rec(merged.metadata.annotations) as Record<string, string>);
  postProcessPod(merged, templateSpec, proxyConfig, statusPort, proxyEnvs(strMap(original.metadata.labels), settings), settings);
  return merged;
}

/** Cluster and network for the sidecar's env: values, overridden by the pod's topology.istio.io/network label. */
function proxyEnvs(labels: Record<string, string>, settings: InjectionSettings): Record<string, string> {
  const global = rec(settings.values.global);
  const out: Record<string, string> = {};
  const cluster = String(rec(global.multiCluster).clusterName ?? '');
  let network = String(global.network ?? '');
  if (labels['topology.istio.io/network'] !== undefined) network = labels['topology.istio.io/network'];
  if (cluster) out.ISTIO_META_CLUSTER_ID = cluster;
  if (network) out.ISTIO_META_NETWORK = network;
  return out;
}

/** Previously stored overrides (proxy.istio.io/overrides) make re-injection idempotent. */
function storedOverrides(annotations: Record<string, string>): Overrides {
  if (annotations['proxy.istio.io/overrides'] === undefined) return {};
  try {
    return JSON.parse(annotations['proxy.istio.io/overrides']) as Overrides;
  } catch (e) {
    throw new InjectionError(`invalid proxy.istio.io/overrides annotation: ${(e as Error).message}`);
  }
}

/**
 * stripPod: a pod injected before loses the containers that injection added (its status
 * annotation names them) and, when they point at the agent already, the Prometheus annotations,
 * so the templates see the workload as the user wrote it.
 */
function stripPod(original: Pod, annotations: Record<string, string>, prevStatus: InjectionStatus | null, existingOverrides: Overrides, statusPort: number): Pod {
  const stripped = structuredClone(original);
  if (prevStatus) {
    stripped.spec.containers = arr(stripped.spec.containers).filter((c) => !prevStatus.containers.includes(String(c.name)));
    stripped.spec.initContainers = arr(stripped.spec.initContainers).filter((c) => !prevStatus.initContainers.includes(String(c.name)));
    const ann = { ...annotations };
    const port = Object.entries(ann).find(([k]) => sanitize(k) === 'prometheus_io_port')?.[1];
    if (port === String(statusPort)) for (const k of Object.keys(ann)) if (PROMETHEUS_KEYS.includes(sanitize(k))) delete ann[k];
    delete ann['sidecar.istio.io/status'];
    stripped.metadata.annotations = ann;
  }
  for (const c of arr(existingOverrides.containers)) if (!findContainer(arr(stripped.spec.containers), String(c.name))) stripped.spec.containers = [...arr(stripped.spec.containers), c];
  for (const c of arr(existingOverrides.initContainers)) if (!findContainer(arr(stripped.spec.initContainers), String(c.name))) stripped.spec.initContainers = [...arr(stripped.spec.initContainers), c];
  return stripped;
}

/** The value the injection templates run over (istiod's SidecarTemplateData). */
function templateData(input: PodInput, stripped: Pod, proxyConfig: Obj, annotations: Record<string, string>, settings: InjectionSettings): Obj {
  const mesh = settings.mesh as Obj;
  const values = settings.values;
  return {
    TypeMeta: { APIVersion: input.typeMeta.apiVersion, Kind: input.typeMeta.kind },
    DeploymentMeta: { Name: input.deployMeta.name, Namespace: input.deployMeta.namespace },
    ObjectMeta: { ...stripped.metadata, labels: markStringMap(strMap(stripped.metadata.labels)), annotations: markStringMap(strMap(stripped.metadata.annotations)) },
    Spec: normalizeSpecForTemplate(stripped.spec),
    ProxyConfig: { ...proxyConfig, proxyMetadata: markStringMap(strMap(proxyConfig.proxyMetadata)), interceptionMode: String(proxyConfig.interceptionMode ?? 'REDIRECT') },
    MeshConfig: mesh,
    Values: values,
    Revision: settings.revision,
    NativeSidecars: settings.nativeSidecars !== 'false',
    ProxyImage: proxyImage(values, annotations),
    // Upstream's template names the init container image .ProxyInitImage (global.proxy_init.image).
    ProxyInitImage: proxyImage(values, annotations, 'proxy_init'),
    ProxyUID: 1337,
    ProxyGID: 1337,
    InboundTrafficPolicyMode: String(rec(mesh.inboundTrafficPolicy).mode ?? 'PASSTHROUGH') === 'LOCALHOST' ? 'localhost' : 'passthrough',
    CompliancePolicy: settings.env.COMPLIANCE_POLICY ?? '',
  };
}

/**
 * Runs the selected templates (inject.istio.io/templates, else the config's defaults; aliases
 * expanded) and strategic-merges each rendered overlay into the pod. Returns the merged pod and
 * the templates' own pod spec (what injection added, for the status annotation and overrides).
 */
function runTemplates(original: Pod, data: Obj, annotations: Record<string, string>, settings: InjectionSettings): { merged: Pod; templateSpec: Obj } {
  const selected = (annotations['inject.istio.io/templates'] !== undefined ? annotations['inject.istio.io/templates'].split(',').map((s) => s.trim()) : settings.config.defaultTemplates).flatMap(
    (n) => settings.config.aliases[n] ?? [n],
  );
  let native = settings.nativeSidecars !== 'false';
  if (annotations['sidecar.istio.io/nativeSidecar'] === 'true') native = true;
  else if (annotations['sidecar.istio.io/nativeSidecar'] === 'false') native = false;

  let merged: Pod = structuredClone(original);
  let templatePod: Pod = { metadata: {}, spec: {} };
  for (const name of selected) {
    const text = settings.config.templates[name];
    if (text === undefined) throw new InjectionError(`requested template "${name}" not found; have ${Object.keys(settings.config.templates).sort().join(', ')}`);
    let rendered: string;
    try {
      rendered = templateFor(name, text, settings).execute(data);
    } catch (e) {
      throw new InjectionError(`failed to run injection template "${name}": ${(e as Error).message}`);
    }
    let overlay: unknown;
    try {
      overlay = yamlParse(rendered);
    } catch (e) {
      throw new InjectionError(`injection template "${name}" rendered invalid YAML: ${(e as Error).message}`);
    }
    const ov = rec(overlay);
    templatePod = strategicMerge(templatePod, ov) as Pod;
    // Native sidecars: the template puts istio-proxy under initContainers, but the user's own
    // istio-proxy customisation sits in containers; move it so the two merge.
    if (native && findContainer(arr(rec(templatePod.spec).initContainers), PROXY) && findContainer(arr(merged.spec.containers), PROXY)) {
      const c = findContainer(arr(merged.spec.containers), PROXY)!;
      merged.spec.containers = moveContainer(arr(merged.spec.containers), PROXY, 'remove');
      merged.spec.initContainers = [...arr(merged.spec.initContainers), c];
    }
    merged = strategicMerge(merged, ov) as Pod;
  }
  merged.metadata = rec(merged.metadata);
  merged.spec = rec(merged.spec);
  return { merged, templateSpec: rec(templatePod.spec) };
}

/**
 * Re-applies the user's own versions of injected containers (e.g. an istio-proxy with custom
 * args) and, on a first injection, records them in proxy.istio.io/overrides.
 */
function reapplyUserContainers(merged: Pod, templateSpec: Obj, original: Pod, annotations: Record<string, string>, prevStatus: InjectionStatus | null, existingOverrides: Overrides): void {
  const overrides: { containers: Obj[]; initContainers: Obj[] } = { containers: [], initContainers: [] };
  const alreadyInjected = annotations['sidecar.istio.io/status'] !== undefined;
  // webhook.go parseStatus: an unparsable status names no containers.
  const prevContainers = prevStatus ?? { containers: [], initContainers: [] };
  for (const [kind, list] of [['containers', arr(templateSpec.containers)], ['initContainers', arr(templateSpec.initContainers)]] as const) {
    for (const c of list) {
      const name = String(c.name);
      // Injected last time: the new template's version wins (fresh ISTIO_META_APP_CONTAINERS, ports...).
      if (alreadyInjected && (kind === 'containers' ? prevContainers.containers : prevContainers.initContainers).includes(name)) continue;
      let match = findContainer(arr(kind === 'containers' ? existingOverrides.containers : existingOverrides.initContainers), name);
      if (!match) match = kind === 'containers' ? findContainer(arr(original.spec.containers), name) : findContainer([...arr(original.spec.containers), ...arr(original.spec.initContainers)], name);
      if (!match) continue;
      const overlay = structuredClone(match);
      if (overlay.image === 'auto' || overlay.image === '') delete overlay.image;
      overrides[kind].push(overlay);
      merged.spec = strategicMerge(merged.spec, { [kind]: [overlay] }) as Obj;
    }
  }
  if (!alreadyInjected && (overrides.containers.length || overrides.initContainers.length)) {
    const body: Obj = {};
    if (overrides.containers.length) body.containers = overrides.containers;
    if (overrides.initContainers.length) body.initContainers = overrides.initContainers;
    merged.metadata.annotations = { ...rec(merged.metadata.annotations), 'proxy.istio.io/overrides': JSON.stringify(body, (k, v: unknown) => ((k === 'containers' || k === 'initContainers') && Array.isArray(v) ? v.map((c) => (isPlainObject(c) ? goContainerJSON(c) : c)) : v)) };
  }
}

/**
 * postProcessPod: cluster/network env on the sidecar, Prometheus merge, probe rewriting, the
 * status and injected annotations, container order.
 */
function postProcessPod(merged: Pod, templateSpec: Obj, proxyConfig: Obj, statusPort: number, proxyEnvs: Record<string, string>, settings: InjectionSettings): void {
  const mesh = settings.mesh as Obj;
  const values = settings.values;
  const global = rec(values.global);
  merged.metadata.annotations = strMap(merged.metadata.annotations);
  merged.metadata.labels = strMap(merged.metadata.labels);
  const sidecar = findContainer([...arr(merged.spec.containers), ...arr(merged.spec.initContainers)], PROXY);
  if (sidecar && Object.keys(proxyEnvs).length > 0) {
    const env = arr(sidecar.env).filter((e) => !(String(e.name) in proxyEnvs));
    for (const k of Object.keys(proxyEnvs).sort()) env.push({ name: k, value: proxyEnvs[k] });
    sidecar.env = env;
  }
  applyPrometheusMerge(merged.metadata, merged.spec, mesh, statusPort);
  applySecurePrometheusAnnotation(merged.metadata, merged.spec);
  const mAnn = merged.metadata.annotations as Record<string, string>;
  const rewriteSetting = rec(values.sidecarInjectorWebhook).rewriteAppHTTPProbe;
  const rewrite = parseBool(mAnn['sidecar.istio.io/rewriteAppHTTPProbers']) ?? (rewriteSetting === true || rewriteSetting === 'true');
  if (sidecar && rewrite) {
    const probers = dumpAppProbers(merged.spec, mAnn, statusPort);
    // The status annotation is set below; here it is only there when the input was injected before.
    if (probers) sidecar.env = mergeOrAppendProbers(mAnn['sidecar.istio.io/status'] !== undefined, arr(sidecar.env), probers);
    const sp = mAnn['status.sidecar.istio.io/port'] !== undefined ? Number(mAnn['status.sidecar.istio.io/port']) : statusPort;
    rewriteAppProbes(merged.spec, sp);
  }
  if (proxyEnvs.ISTIO_META_NETWORK) (merged.metadata.labels as Record<string, string>)['topology.istio.io/network'] = proxyEnvs.ISTIO_META_NETWORK;
  mAnn['sidecar.istio.io/status'] = statusAnnotation(templateSpec, settings.revision);
  for (const [k, v] of Object.entries(settings.config.injectedAnnotations)) mAnn[k] = v;
  reorder(merged.spec, proxyConfig, global, mAnn, settings.env);
}

/** ISTIO_META_POD_PORTS is built with structToJSON over corev1.ContainerPort, in Go field order. */
function normalizeSpecForTemplate(spec: Obj): Obj {
  const order = ['name', 'hostPort', 'containerPort', 'protocol', 'hostIP'];
  const fix = (c: Obj): Obj => {
    if (!Array.isArray(c.ports)) return c;
    const ports = arr(c.ports).map((p) => {
      const o: Obj = {};
      for (const k of order) if (p[k] !== undefined && p[k] !== '' && p[k] !== 0) o[k] = p[k];
      for (const [k, v] of Object.entries(p)) if (!(k in o) && !order.includes(k)) o[k] = v;
      return o;
    });
    return { ...c, ports };
  };
  return { ...spec, containers: arr(spec.containers).map(fix), initContainers: arr(spec.initContainers).map(fix) };
}

/** The user's istio-proxy runAsUser/runAsGroup also drives iptables' -u and the validation container. */
function adjustInitContainerUser(spec: Obj, originalSpec: Obj, proxyConfig: Obj, annotations: Record<string, string>): void {
  const user = findContainer([...arr(originalSpec.containers), ...arr(originalSpec.initContainers)], PROXY);
  const sc = rec(user?.securityContext);
  if (!user || (sc.runAsUser === undefined && sc.runAsGroup === undefined)) return;
  const init = findContainer(arr(spec.initContainers), INIT) ?? findContainer(arr(spec.initContainers), VALIDATION);
  if (!init) return;
  const tproxy = proxyConfig.interceptionMode === 'TPROXY' || annotations['sidecar.istio.io/interceptionMode'] === 'TPROXY';
  if (tproxy && sc.runAsUser !== undefined) {
    const side = findContainer([...arr(spec.containers), ...arr(spec.initContainers)], PROXY);
    if (side) side.securityContext = { ...rec(side.securityContext), runAsUser: 0 };
  }
  if (!tproxy && init.name === VALIDATION) {
    const isc = { ...rec(init.securityContext) };
    if (sc.runAsUser !== undefined) isc.runAsUser = sc.runAsUser;
    if (sc.runAsGroup !== undefined) isc.runAsGroup = sc.runAsGroup;
    init.securityContext = isc;
  }
  if (sc.runAsUser === undefined || sc.runAsUser === 0) return;
  const args = Array.isArray(init.args) ? [...(init.args as unknown[])] : [];
  const i = args.indexOf('-u');
  if (i !== -1 && i + 1 < args.length) {
    args[i + 1] = String(sc.runAsUser);
    init.args = args;
  }
}

function reorder(spec: Obj, proxyConfig: Obj, global: Obj, annotations: Record<string, string>, env: Readonly<Record<string, string | undefined>>): void {
  const hold = proxyConfig.holdApplicationUntilProxyStarts === true || rec(global.proxy).holdApplicationUntilProxyStarts === true;
  // The proxy goes last so `kubectl exec`/logs default to the app, unless it must start first.
  if (Array.isArray(spec.containers)) spec.containers = moveContainer(arr(spec.containers), PROXY, hold ? 'first' : 'last');
  let init = arr(spec.initContainers);
  if (init.length === 0) return;
  if (findContainer(init, PROXY)) {
    // Native sidecar: {istio-init | istio-validation} => [init-containers-before-proxy] => proxy => the rest.
    const before: string[] = [];
    for (const n of [...(env.INIT_CONTAINER_BEFORE_PROXY ?? '').split(','), ...(annotations['sidecar.istio.io/init-containers-before-proxy'] ?? '').split(',')]) {
      if (n && !before.includes(n)) before.push(n);
    }
    init = moveContainer(init, CORE_DUMP, 'first');
    init = moveContainer(init, PROXY, 'first');
    for (let i = before.length - 1; i >= 0; i--) init = moveContainer(init, before[i]!, 'first');
    init = moveContainer(init, VALIDATION, 'first');
    init = moveContainer(init, INIT, 'first');
  } else {
    // iptables goes last so earlier init containers still have network; validation blocks first.
    init = moveContainer(init, VALIDATION, 'first');
    init = moveContainer(init, INIT, 'last');
    init = moveContainer(init, CORE_DUMP, 'last');
  }
  spec.initContainers = init;
}
