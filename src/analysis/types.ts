import type { MessageName, MessageReport } from '../messages/catalog.js';
import type { FieldPath, Resource } from '../resources/types.js';
import type { MeshConfig } from './mesh-config.js';
import type { Snapshot } from './snapshot.js';

/** Where a message applies: the resource and, optionally, the field inside it. */
interface ReportTarget {
  /** The resource the message is about; omit for messages with no origin. */
  readonly resource?: Resource;
  /** Field inside the resource, to point at its line (e.g. ['spec', 'http', 0, 'route', 0]). */
  readonly path?: FieldPath;
}

/** What an analyzer hands to ctx.report: a catalog message id, its arguments, where it applies. */
export type Report<N extends MessageName = MessageName> = ReportTarget & MessageReport<N>;

export interface AnalysisContext {
  readonly snapshot: Snapshot;
  readonly mesh: MeshConfig;
  readonly istioNamespace: string;
  /**
   * Multi-cluster analysis (`analyze --remote-contexts`): the snapshot's cluster name and the other
   * clusters' snapshots by name. Absent for a single cluster or files.
   */
  readonly clusters?: { readonly primary: string; readonly remotes: ReadonlyMap<string, Snapshot> };
  report(r: Report): void;
}

/**
 * One analyzer: metadata plus one function (ESLint-rule style). `inputs` must all be available
 * for it to run; `optionalInputs` are read when present.
 */
export interface Analyzer {
  /** Upstream's metadata name, e.g. "virtualservice.GatewayAnalyzer". */
  readonly name: string;
  readonly description: string;
  readonly inputs: readonly string[];
  readonly optionalInputs?: readonly string[];
  /** Every message the analyzer may emit; emitting another is a bug the engine reports. */
  readonly messages: readonly MessageName[];
  analyze(ctx: AnalysisContext): void;
}

export function defineAnalyzer(a: Analyzer): Analyzer {
  return a;
}
