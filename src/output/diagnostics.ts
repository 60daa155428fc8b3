import { stringify as yamlStringify } from 'yaml';
import type { Diagnostic } from '../analysis/engine.js';
import type { Level } from '../messages/types.js';
import { catalog, documentationUrl } from '../messages/catalog.js';
import type { Painter } from './paint.js';

/** The JSON/YAML shape istioctl prints, field for field. */
export function toPlain(d: Diagnostic): Record<string, string> {
  const o: Record<string, string> = { code: d.code, level: d.level, message: d.message, origin: d.origin };
  if (d.reference) o.reference = d.reference;
  o.documentationUrl = d.documentationUrl;
  return o;
}

export function renderJson(ds: readonly Diagnostic[]): string {
  return `${JSON.stringify(ds.map(toPlain), null, '\t')}\n`;
}

export function renderYaml(ds: readonly Diagnostic[]): string {
  return ds.length === 0 ? '[]\n' : yamlStringify(ds.map(toPlain), { lineWidth: 0 });
}

/**
 * Control characters from input files (a resource named "web\e[2J") shown as escapes, so a file
 * cannot move the cursor, recolor or clear the terminal of whoever reads the output. Line breaks
 * in messages stay.
 */
export function visible(s: string, keepNewlines = false): string {
  return s.replace(keepNewlines ? /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/g : /[\u0000-\u001F\u007F-\u009F]/g, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : c;
  });
}

/** `Error [IST0101] (VirtualService default/reviews vs.yaml:12) Referenced host not found: "reviews"` */
export function renderLog(ds: readonly Diagnostic[], paint: Painter): string {
  return ds
    .map((d) => {
      const where = visible([d.origin, d.reference].filter(Boolean).join(' '));
      const level = d.level === 'Error' ? paint.error(d.level) : d.level === 'Warning' ? paint.warning(d.level) : d.level;
      return `${level} [${d.code}]${where ? ` (${where})` : ''} ${visible(d.message, true)}\n`;
    })
    .join('');
}

const sarifLevel: Record<Level, string> = { Error: 'error', Warning: 'warning', Info: 'note' };

function toUri(file: string): string {
  return file.split(/[\\/]+/).map(encodeURIComponent).join('/').replace(/^\.\//, '');
}

/** SARIF 2.1.0, as GitHub code scanning accepts it. */
export function renderSarif(ds: readonly Diagnostic[], toolVersion: string): string {
  const ruleIds = [...new Set(ds.map((d) => d.code))].sort();
  const rules = ruleIds.map((id) => {
    const t = catalog.byCode(id)!;
    return {
      id,
      name: t.name,
      shortDescription: { text: t.description },
      fullDescription: { text: t.description },
      helpUri: documentationUrl(t),
      help: { text: `${t.description} See ${documentationUrl(t)}` },
      defaultConfiguration: { level: sarifLevel[t.level] },
      properties: { tags: ['istio'] },
    };
  });
  const results = ds.map((d) => {
    const r: Record<string, unknown> = {
      ruleId: d.code,
      ruleIndex: ruleIds.indexOf(d.code),
      level: sarifLevel[d.level],
      message: { text: d.origin ? `${d.message} (${d.origin})` : d.message },
    };
    const locations: Record<string, unknown>[] = [];
    if (d.file && d.file !== '-') {
      const loc: Record<string, unknown> = { physicalLocation: { artifactLocation: { uri: toUri(d.file) }, ...(d.line ? { region: { startLine: d.line } } : {}) } };
      if (d.origin) loc.logicalLocations = [{ fullyQualifiedName: d.origin, kind: 'resource' }];
      locations.push(loc);
    } else if (d.origin) {
      locations.push({ logicalLocations: [{ fullyQualifiedName: d.origin, kind: 'resource' }] });
    }
    if (locations.length) r.locations = locations;
    r.partialFingerprints = { 'istioTs/v1': `${d.code}:${d.origin}:${d.message}` };
    return r;
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'istio-ts', version: toolVersion, informationUri: 'https://github.com/istio-ts/istio-ts', rules } },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function xml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
    // XML 1.0 forbids most control characters even when escaped.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
}

/**
 * JUnit XML for GitLab/Jenkins: one test case per executed analyzer; each finding at or above the
 * failure threshold is a failure of its analyzer's case, lower ones go to system-out.
 */
export function renderJunit(
  ds: readonly Diagnostic[],
  executed: readonly string[],
  isFailure: (d: Diagnostic) => boolean,
): string {
  const by = new Map<string, Diagnostic[]>();
  for (const name of executed) by.set(name, []);
  for (const d of ds) {
    if (!by.has(d.analyzer)) by.set(d.analyzer, []);
    by.get(d.analyzer)!.push(d);
  }
  let failures = 0;
  const cases: string[] = [];
  for (const [name, list] of by) {
    const fails = list.filter(isFailure);
    const rest = list.filter((d) => !isFailure(d));
    if (fails.length) failures++;
    const line = (d: Diagnostic) => `${d.level} [${d.code}]${d.origin ? ` (${[d.origin, d.reference].filter(Boolean).join(' ')})` : d.reference ? ` (${d.reference})` : ''} ${d.message}`;
    let body = '';
    if (fails.length) {
      body += `      <failure message="${xml(`${fails.length} finding(s)`)}" type="${xml(fails[0]!.code)}">${xml(fails.map(line).join('\n'))}</failure>\n`;
    }
    if (rest.length) body += `      <system-out>${xml(rest.map(line).join('\n'))}</system-out>\n`;
    cases.push(`    <testcase classname="istio-ts.analyze" name="${xml(name)}"${body ? `>\n${body}    </testcase>` : ' />'}`);
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="istio-ts analyze" tests="${by.size}" failures="${failures}">`,
    `  <testsuite name="istio-ts analyze" tests="${by.size}" failures="${failures}" errors="0" skipped="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

const ghLevel: Record<Level, string> = { Error: 'error', Warning: 'warning', Info: 'notice' };

function ghData(s: string): string {
  return visible(s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}
function ghProp(s: string): string {
  return ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions workflow commands: `::error file=…,line=…,title=…::message`. */
export function renderGithub(ds: readonly Diagnostic[]): string {
  return ds
    .map((d) => {
      const props: string[] = [];
      if (d.file && d.file !== '-') props.push(`file=${ghProp(d.file)}`);
      if (d.line) props.push(`line=${d.line}`);
      props.push(`title=${ghProp(`${d.code} ${d.type.name}`)}`);
      const text = d.origin ? `${d.message} (${d.origin})` : d.message;
      return `::${ghLevel[d.level]} ${props.join(',')}::${ghData(text)}\n`;
    })
    .join('');
}
