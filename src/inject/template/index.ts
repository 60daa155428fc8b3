/** Go text/template, in TypeScript: parse once, execute against JSON-like data with a FuncMap. */
import { execute, type FuncMap } from './exec.js';
import { parse, type ParsedTemplate } from './parser.js';
import { builtinFuncs, composeFuncs, sprigFuncs } from './funcs.js';

export { TemplateSyntaxError } from './lexer.js';
export { TemplateExecError, type FuncMap, type TemplateFunc } from './exec.js';
export { markStringMap, ZERO } from './values.js';
export { builtinFuncs, sprigFuncs, sprintf } from './funcs.js';

export interface Template {
  readonly name: string;
  execute(data: unknown): string;
}

/** Parses `src`; throws TemplateSyntaxError with the template name and line. */
export function compile(name: string, src: string, extraFuncs: FuncMap = {}): Template {
  const funcs = composeFuncs(builtinFuncs, sprigFuncs, extraFuncs);
  const parsed: ParsedTemplate = parse(name, src);
  return { name, execute: (data) => execute(parsed, data, funcs) };
}
