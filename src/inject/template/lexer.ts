import { KindError } from '../../util/errors.js';
/**
 * Lexer for Go text/template (the dialect istiod and Helm render injection templates with).
 * Produces a flat token stream; `{{-` / `-}}` trim markers are applied to the neighbouring
 * text tokens here, as Go's lexer does (the marker must be followed/preceded by a space).
 */

export type TokenKind =
  | 'text'
  | 'open' // {{
  | 'close' // }}
  | 'ident' // function name or keyword
  | 'field' // .Foo
  | 'dot' // .
  | 'variable' // $ or $x
  | 'string' // "..." or `...` (value already unquoted)
  | 'char'
  | 'number'
  | 'bool'
  | 'nil'
  | 'pipe'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'declare' // :=
  | 'assign'; // =

export interface Token {
  kind: TokenKind;
  value: string;
  /** 1-based line of the token's first character in the template. */
  line: number;
  /** A field token written directly after the previous term (`$x.Foo`, `(pipe).Foo`, `.A.B`). */
  attached?: boolean;
}

export class TemplateSyntaxError extends KindError {
  constructor(
    readonly templateName: string,
    readonly line: number,
    message: string,
  ) {
    super(`template: ${templateName}:${line}: ${message}`, 'data');
    this.name = 'TemplateSyntaxError';
  }
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlnum = (c: string): boolean => /[A-Za-z0-9_]/.test(c);

export function lex(name: string, src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  const countLines = (s: string): number => {
    let n = 0;
    for (const ch of s) if (ch === '\n') n++;
    return n;
  };
  let trimNextText = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = open === -1 ? src.slice(i) : src.slice(i, open);
    const textLine = line;
    line += countLines(text);
    let leftTrim = false;
    if (open !== -1 && src.startsWith('{{- ', open)) leftTrim = true;
    else if (open !== -1 && src.startsWith('{{-', open) && isSpace(src[open + 3] ?? '')) leftTrim = true;
    if (trimNextText) text = text.replace(/^[ \t\r\n]+/, '');
    if (leftTrim) text = text.replace(/[ \t\r\n]+$/, '');
    if (text.length > 0) out.push({ kind: 'text', value: text, line: textLine });
    trimNextText = false;
    if (open === -1) break;
    i = open + 2;
    if (leftTrim) i += 2;
    // Comments: {{/* ... */}} (with optional trim markers around them).
    let j = i;
    while (j < src.length && isSpace(src[j]!)) j++;
    if (src.startsWith('/*', j)) {
      const end = src.indexOf('*/', j + 2);
      if (end === -1) throw new TemplateSyntaxError(name, line, 'unclosed comment');
      line += countLines(src.slice(i, end));
      let k = end + 2;
      while (k < src.length && isSpace(src[k]!)) k++;
      if (src.startsWith('-}}', k)) {
        trimNextText = true;
        i = k + 3;
      } else if (src.startsWith('}}', k)) {
        i = k + 2;
      } else throw new TemplateSyntaxError(name, line, 'comment ends before closing delimiter');
      continue;
    }
    out.push({ kind: 'open', value: '{{', line });
    // Inside an action.
    let parenDepth = 0;
    for (;;) {
      if (i >= src.length) throw new TemplateSyntaxError(name, line, 'unclosed action');
      const c = src[i]!;
      if (isSpace(c)) {
        // " -}}" closes with right trim.
        if (src.startsWith(' -}}', i) || src.startsWith('\t-}}', i) || src.startsWith('\n-}}', i) || src.startsWith('\r-}}', i)) {
          line += countLines(src.slice(i, i + 1));
          out.push({ kind: 'close', value: '}}', line });
          i += 4;
          trimNextText = true;
          break;
        }
        if (c === '\n') line++;
        i++;
        continue;
      }
      if (src.startsWith('}}', i)) {
        if (parenDepth > 0) throw new TemplateSyntaxError(name, line, 'unclosed left paren');
        out.push({ kind: 'close', value: '}}', line });
        i += 2;
        break;
      }
      if (c === '|') {
        out.push({ kind: 'pipe', value: '|', line });
        i++;
      } else if (c === '(') {
        parenDepth++;
        out.push({ kind: 'lparen', value: '(', line });
        i++;
      } else if (c === ')') {
        parenDepth--;
        if (parenDepth < 0) throw new TemplateSyntaxError(name, line, 'unexpected right paren');
        out.push({ kind: 'rparen', value: ')', line });
        i++;
      } else if (c === ',') {
        out.push({ kind: 'comma', value: ',', line });
        i++;
      } else if (src.startsWith(':=', i)) {
        out.push({ kind: 'declare', value: ':=', line });
        i += 2;
      } else if (c === '=') {
        out.push({ kind: 'assign', value: '=', line });
        i++;
      } else if (c === '"') {
        let k = i + 1;
        let s = '';
        while (k < src.length && src[k] !== '"') {
          if (src[k] === '\n') throw new TemplateSyntaxError(name, line, 'unterminated quoted string');
          if (src[k] === '\\') {
            const e = src[k + 1];
            const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };
            if (e === 'x') {
              s += String.fromCharCode(parseInt(src.slice(k + 2, k + 4), 16));
              k += 4;
              continue;
            }
            if (e === 'u') {
              s += String.fromCharCode(parseInt(src.slice(k + 2, k + 6), 16));
              k += 6;
              continue;
            }
            if (e === undefined || !(e in map)) throw new TemplateSyntaxError(name, line, `unknown escape sequence \\${e ?? ''}`);
            s += map[e];
            k += 2;
            continue;
          }
          s += src[k];
          k++;
        }
        if (k >= src.length) throw new TemplateSyntaxError(name, line, 'unterminated quoted string');
        out.push({ kind: 'string', value: s, line });
        i = k + 1;
      } else if (c === '`') {
        const end = src.indexOf('`', i + 1);
        if (end === -1) throw new TemplateSyntaxError(name, line, 'unterminated raw quoted string');
        const s = src.slice(i + 1, end);
        out.push({ kind: 'string', value: s, line });
        line += countLines(s);
        i = end + 1;
      } else if (c === "'") {
        const end = src.indexOf("'", i + 1);
        if (end === -1) throw new TemplateSyntaxError(name, line, 'unterminated character constant');
        const body = src.slice(i + 1, end);
        const ch = body.startsWith('\\') ? ({ n: '\n', t: '\t', '\\': '\\', "'": "'" } as Record<string, string>)[body[1] ?? ''] ?? body[1] ?? '' : body;
        out.push({ kind: 'char', value: String(ch.codePointAt(0) ?? 0), line });
        i = end + 1;
      } else if (c === '$') {
        let k = i + 1;
        while (k < src.length && isAlnum(src[k]!)) k++;
        out.push({ kind: 'variable', value: src.slice(i, k), line });
        i = k;
        // $x.Field chains are lexed as variable followed by field tokens.
        while (src[i] === '.' && isAlnum(src[i + 1] ?? '')) {
          let m = i + 1;
          while (m < src.length && isAlnum(src[m]!)) m++;
          out.push({ kind: 'field', value: src.slice(i + 1, m), line, attached: true });
          i = m;
        }
      } else if (c === '.') {
        if (isAlnum(src[i + 1] ?? '') && !/[0-9]/.test(src[i + 1]!)) {
          let firstField = true;
          while (src[i] === '.' && isAlnum(src[i + 1] ?? '')) {
            let m = i + 1;
            while (m < src.length && isAlnum(src[m]!)) m++;
            out.push({ kind: 'field', value: src.slice(i + 1, m), line, attached: !firstField });
            firstField = false;
            i = m;
          }
        } else {
          out.push({ kind: 'dot', value: '.', line });
          i++;
        }
      } else if (/[0-9+-]/.test(c) && (/[0-9]/.test(c) || /[0-9.]/.test(src[i + 1] ?? ''))) {
        const m = /^[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9_]*\.?[0-9_]+(?:[eE][+-]?[0-9]+)?|[0-9_]+\.)/.exec(src.slice(i));
        if (!m) throw new TemplateSyntaxError(name, line, `bad number syntax: ${src.slice(i, i + 10)}`);
        out.push({ kind: 'number', value: m[0].replace(/_/g, ''), line });
        i += m[0].length;
      } else if (isAlnum(c)) {
        let k = i;
        while (k < src.length && isAlnum(src[k]!)) k++;
        const word = src.slice(i, k);
        if (word === 'true' || word === 'false') out.push({ kind: 'bool', value: word, line });
        else if (word === 'nil') out.push({ kind: 'nil', value: word, line });
        else out.push({ kind: 'ident', value: word, line });
        i = k;
        // A field chain may follow a parenthesised pipeline or identifier, e.g. (x).Foo — handled by the parser.
        while (src[i] === '.' && isAlnum(src[i + 1] ?? '')) {
          let m = i + 1;
          while (m < src.length && isAlnum(src[m]!)) m++;
          out.push({ kind: 'field', value: src.slice(i + 1, m), line, attached: true });
          i = m;
        }
      } else {
        throw new TemplateSyntaxError(name, line, `unexpected character ${JSON.stringify(c)} in action`);
      }
      // After ')' a field chain may follow: (index .X 0).Name
      if (out[out.length - 1]!.kind === 'rparen') {
        while (src[i] === '.' && isAlnum(src[i + 1] ?? '')) {
          let m = i + 1;
          while (m < src.length && isAlnum(src[m]!)) m++;
          out.push({ kind: 'field', value: src.slice(i + 1, m), line, attached: true });
          i = m;
        }
      }
    }
  }
  return out;
}
