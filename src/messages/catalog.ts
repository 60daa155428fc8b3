import { istioMessages, retiredIstioCodes } from './istio.gen.js';
import { istioTsMessages } from './istio-ts.js';
import type { MessageType } from './types.js';

type Catalog = typeof istioMessages[number] | typeof istioTsMessages[number];
export type MessageName = Catalog['name'];
export type MessageCode = Catalog['code'];

const all: readonly MessageType[] = [...istioMessages, ...istioTsMessages];
const byName = new Map<string, MessageType>(all.map((m) => [m.name, m]));
const byCode = new Map<string, MessageType>(all.map((m) => [m.code, m]));

export const catalog = {
  all,
  retired: retiredIstioCodes,
  byName(name: MessageName): MessageType {
    const t = byName.get(name);
    if (!t) throw new Error(`message ${name} is not in the catalog`);
    return t;
  },
  byCode(code: string): MessageType | undefined {
    return byCode.get(code.toUpperCase());
  },
};

export function documentationUrl(type: MessageType): string {
  if (type.code.startsWith('ITS')) {
    return `https://github.com/istio-ts/istio-ts/blob/main/docs/messages/${type.code}.md`;
  }
  return `https://istio.io/latest/docs/reference/config/analysis/${type.code.toLowerCase()}/?ref=istio-ts`;
}
