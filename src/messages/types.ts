export type Level = 'Error' | 'Warning' | 'Info';

/** One entry of the message catalog: the only place codes, names, levels and templates live. */
export interface MessageType {
  readonly code: string;
  readonly name: string;
  readonly level: Level;
  readonly description: string;
  /** Go fmt-style template (%s %q %v %d), filled positionally from args. */
  readonly template: string;
  readonly args: readonly MessageArg[];
}

/** Argument types of upstream's messages.yaml (Go types); ITS messages use the same. */
export type ArgType = 'string' | 'error' | 'int' | 'int32' | '[]string' | '[]int' | '[]int32';

export interface MessageArg {
  readonly name: string;
  readonly type: ArgType;
}

/** The TypeScript type an argument of a Go type takes (an error is passed as its text). */
export type ArgValue<T extends ArgType> = T extends 'string' | 'error'
  ? string
  : T extends 'int' | 'int32'
    ? number
    : T extends '[]string'
      ? readonly string[]
      : readonly number[];

/** The argument tuple of a catalog entry's `args` (e.g. [{name, type: 'string'}] → [string]). */
export type ArgTuple<A extends readonly MessageArg[]> = { -readonly [I in keyof A]: A[I] extends MessageArg ? ArgValue<A[I]['type']> : never };

/** Levels ordered from most to least severe, as upstream sorts them. */
export const LEVELS: readonly Level[] = ['Error', 'Warning', 'Info'];

export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}
