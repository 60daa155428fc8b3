import { istioMessages, retiredIstioCodes, type IstioMessageArgs } from './istio.gen.js';
import { istioTsMessages } from './istio-ts.js';
import type { ArgTuple, MessageType } from './types.js';

type Catalog = typeof istioMessages[number] | typeof istioTsMessages[number];
export type MessageName = Catalog['name'];
export type MessageCode = Catalog['code'];

/**
 * The arguments a message takes, in template order: upstream's as generated (labelled tuples,
 * IstioMessageArgs in istio.gen.ts), istio-ts's typed from their `args: [{name, type}]`. A test
 * (test/analysis/message-args.test.ts) checks that the generated tuples equal the typed data.
 */
export type MessageArgs<N extends MessageName> = N extends keyof IstioMessageArgs ? IstioMessageArgs[N] : ArgTuple<Extract<Catalog, { name: N }>['args']>;

/**
 * A catalog message with its arguments, typed per message: `{ message: 'ReferencedResourceNotFound',
 * args: [reftype, refval] }`. A wrong count or type fails the type check; messages without
 * arguments may omit `args`. The engine checks the count again at run time (ITS0003).
 */
export type MessageReport<N extends MessageName = MessageName> = {
  [M in N]: MessageArgs<M> extends readonly [] ? { readonly message: M; readonly args?: readonly [] } : { readonly message: M; readonly args: Readonly<MessageArgs<M>> };
}[N];

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
