import { fsp } from '../util/lazy-fs.js';
import { fileURLToPath } from 'node:url';
import { catalog, documentationUrl } from './catalog.js';
import type { MessageType } from './types.js';

/**
 * docs/messages/, found from this module: src/messages/ in a checkout and dist/cli/ in the bundle
 * are both two levels below the package root, and docs/ ships in the package.
 */
export const MESSAGE_DOCS_URL = new URL('../../docs/messages/', import.meta.url);

/** A catalog message by code ("ITS0009", "ist0101") or by name ("MtlsModeConflict"). */
export function findMessage(codeOrName: string): MessageType | undefined {
  const q = codeOrName.trim();
  return catalog.byCode(q) ?? catalog.all.find((m) => m.name.toLowerCase() === q.toLowerCase());
}

/** The path of an istio-ts message's documentation page. */
export function messageDocPath(type: MessageType): string {
  return fileURLToPath(new URL(`${type.code}.md`, MESSAGE_DOCS_URL));
}

/**
 * What `analyze --explain` prints: the page of an istio-ts finding (symptom, Envoy flag, fix), or
 * for an upstream IST code the catalog entry and istio.io's page, which istio-ts does not copy.
 */
export async function explainMessage(type: MessageType): Promise<{ text: string; path?: string }> {
  if (type.code.startsWith('ITS')) {
    const path = messageDocPath(type);
    const text = await fsp().readFile(path, 'utf8');
    return { text: text.endsWith('\n') ? text : `${text}\n`, path };
  }
  const text = [
    `# ${type.code} ${type.name}`,
    '',
    `**Level:** ${type.level}`,
    '',
    type.description,
    '',
    `Message: ${type.template}`,
    '',
    `istioctl reports this finding too; its cause and resolution: ${documentationUrl(type)}`,
    '',
  ].join('\n');
  return { text };
}
