export type Level = 'Error' | 'Warning' | 'Info';

/** One entry of the message catalog: the only place codes, names, levels and templates live. */
export interface MessageType {
  readonly code: string;
  readonly name: string;
  readonly level: Level;
  readonly description: string;
  /** Go fmt-style template (%s %q %v %d), filled positionally from args. */
  readonly template: string;
  readonly args: readonly string[];
}

/** Levels ordered from most to least severe, as upstream sorts them. */
export const LEVELS: readonly Level[] = ['Error', 'Warning', 'Info'];

export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}
