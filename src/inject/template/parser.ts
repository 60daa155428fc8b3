/** Parser for Go text/template: tokens → a tree of nodes, plus the named templates it defines. */
import { lex, TemplateSyntaxError, type Token } from './lexer.js';

export type Operand =
  | { kind: 'field'; base: Operand | null; fields: string[] } // base null: relative to dot
  | { kind: 'variable'; name: string; fields: string[] }
  | { kind: 'dot' }
  | { kind: 'func'; name: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'pipeline'; pipe: Pipeline; fields: string[] };

export interface Command {
  args: Operand[];
}

export interface Pipeline {
  line: number;
  /** Variables declared (:=) or assigned (=) by this pipeline. */
  decl: string[];
  isAssign: boolean;
  cmds: Command[];
}

export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipeline }
  | ControlNode
  | { kind: 'template'; name: string; pipe: Pipeline | null; line: number }
  | { kind: 'break' | 'continue'; line: number };

export interface ControlNode {
  kind: 'if' | 'with' | 'range';
  pipe: Pipeline;
  list: Node[];
  elseList: Node[] | null;
  line: number;
}

export interface ParsedTemplate {
  name: string;
  root: Node[];
  /** Templates defined with {{define}} / {{block}}, by name. */
  defines: Map<string, Node[]>;
}

export function parse(name: string, src: string): ParsedTemplate {
  const p = new Parser(name, lex(name, src));
  const root = p.parseList(new Set());
  if (!p.atEnd()) p.fail(p.peek(), `unexpected ${p.describe(p.peek())}`);
  return { name, root, defines: p.defines };
}

class Parser {
  private pos = 0;
  readonly defines = new Map<string, Node[]>();
  private rangeDepth = 0;

  constructor(
    private readonly name: string,
    private readonly toks: Token[],
  ) {}

  atEnd(): boolean {
    return this.pos >= this.toks.length;
  }
  peek(off = 0): Token | undefined {
    return this.toks[this.pos + off];
  }
  next(): Token {
    const t = this.toks[this.pos++];
    if (!t) throw new TemplateSyntaxError(this.name, this.toks[this.toks.length - 1]?.line ?? 1, 'unexpected EOF');
    return t;
  }
  fail(t: Token | undefined, msg: string): never {
    throw new TemplateSyntaxError(this.name, t?.line ?? this.toks[this.toks.length - 1]?.line ?? 1, msg);
  }
  describe(t: Token | undefined): string {
    if (!t) return 'EOF';
    return t.kind === 'text' ? 'text' : `"${t.value}"`;
  }
  expect(kind: Token['kind']): Token {
    const t = this.next();
    if (t.kind !== kind) this.fail(t, `unexpected ${this.describe(t)}, expected ${kind}`);
    return t;
  }

  /** Keyword of the action starting at pos (pos at 'open'), if any. */
  private keywordAt(): string | null {
    const a = this.peek();
    const b = this.peek(1);
    if (a?.kind === 'open' && b?.kind === 'ident') return b.value;
    return null;
  }

  /** Parses nodes until one of the terminators (end/else) is seen; the terminator is left unconsumed. */
  parseList(terminators: Set<string>): Node[] {
    const out: Node[] = [];
    while (!this.atEnd()) {
      const t = this.peek()!;
      if (t.kind === 'text') {
        out.push({ kind: 'text', text: t.value });
        this.pos++;
        continue;
      }
      const kw = this.keywordAt();
      if (kw !== null && terminators.has(kw)) return out;
      if (kw === 'end' || kw === 'else') this.fail(this.peek(1), `unexpected {{${kw}}}`);
      const n = this.parseAction();
      if (n) out.push(n);
    }
    if (terminators.size > 0) this.fail(this.toks[this.toks.length - 1], 'unexpected EOF');
    return out;
  }

  private parseAction(): Node | null {
    const open = this.expect('open');
    const kw = this.peek()?.kind === 'ident' ? this.peek()!.value : null;
    switch (kw) {
      case 'if':
      case 'with':
      case 'range':
        this.pos++;
        return this.parseControl(kw, open.line);
      case 'define':
      case 'block': {
        this.pos++;
        const nameTok = this.expect('string');
        let pipe: Pipeline | null = null;
        if (kw === 'block') pipe = this.parsePipeline(open.line, false);
        else this.expect('close');
        const body = this.parseList(new Set(['end']));
        this.expect('open');
        this.next(); // end
        this.expect('close');
        this.defines.set(nameTok.value, body);
        return kw === 'block' ? { kind: 'template', name: nameTok.value, pipe, line: open.line } : null;
      }
      case 'template': {
        this.pos++;
        const nameTok = this.expect('string');
        let pipe: Pipeline | null = null;
        if (this.peek()?.kind !== 'close') pipe = this.parsePipeline(open.line, false);
        else this.expect('close');
        return { kind: 'template', name: nameTok.value, pipe, line: open.line };
      }
      case 'break':
      case 'continue': {
        if (this.rangeDepth === 0) this.fail(open, `{{${kw}}} outside {{range}}`);
        this.pos++;
        this.expect('close');
        return { kind: kw, line: open.line };
      }
      default:
        return { kind: 'action', pipe: this.parsePipeline(open.line, true) };
    }
  }

  private parseControl(kind: 'if' | 'with' | 'range', line: number): Node {
    const pipe = this.parsePipeline(line, true, kind === 'range');
    if (kind === 'range') this.rangeDepth++;
    const list = this.parseList(new Set(['end', 'else']));
    if (kind === 'range') this.rangeDepth--;
    let elseList: Node[] | null = null;
    this.expect('open');
    const kw = this.next();
    if (kw.value === 'else') {
      // {{else if ...}} / {{else with ...}} chain: treat as a nested control in the else branch.
      const nxt = this.peek();
      if (nxt?.kind === 'ident' && (nxt.value === 'if' || nxt.value === 'with') && kind !== 'range') {
        this.pos++;
        elseList = [this.parseControl(nxt.value as 'if' | 'with', nxt.line)];
        return { kind, pipe, list, elseList, line };
      }
      this.expect('close');
      elseList = this.parseList(new Set(['end']));
      this.expect('open');
      this.next();
    }
    this.expect('close');
    return { kind, pipe, list, elseList, line };
  }

  private parsePipeline(line: number, allowDecl: boolean, isRange = false): Pipeline {
    const decl: string[] = [];
    let isAssign = false;
    // Declarations: $x := / $x = / $i, $v :=
    if (allowDecl && this.peek()?.kind === 'variable') {
      const save = this.pos;
      const names: string[] = [this.next().value];
      if (isRange && this.peek()?.kind === 'comma') {
        this.pos++;
        const v = this.next();
        if (v.kind !== 'variable') this.fail(v, 'range can only initialize variables');
        names.push(v.value);
      }
      const op = this.peek();
      if (op?.kind === 'declare' || op?.kind === 'assign') {
        this.pos++;
        decl.push(...names);
        isAssign = op.kind === 'assign';
      } else {
        this.pos = save;
      }
    }
    const cmds: Command[] = [];
    for (;;) {
      const t = this.peek();
      if (!t) this.fail(t, 'unexpected EOF in action');
      if (t.kind === 'close') {
        this.pos++;
        break;
      }
      if (t.kind === 'rparen') break;
      cmds.push(this.parseCommand());
      const n = this.peek();
      if (n?.kind === 'pipe') {
        this.pos++;
        continue;
      }
      if (n?.kind === 'close') {
        this.pos++;
        break;
      }
      if (n?.kind === 'rparen') break;
      this.fail(n, `unexpected ${this.describe(n)} in operand`);
    }
    if (cmds.length === 0) this.fail(this.toks[this.pos - 1], 'missing value for command');
    return { line, decl, isAssign, cmds };
  }

  private parseCommand(): Command {
    const args: Operand[] = [];
    for (;;) {
      const t = this.peek();
      if (!t || t.kind === 'close' || t.kind === 'pipe' || t.kind === 'rparen') break;
      args.push(this.parseOperand());
    }
    if (args.length === 0) this.fail(this.peek(), 'empty command');
    return { args };
  }

  private fieldsAfter(): string[] {
    const f: string[] = [];
    while (this.peek()?.kind === 'field' && this.peek()?.attached) f.push(this.next().value);
    return f;
  }

  private parseOperand(): Operand {
    const t = this.next();
    switch (t.kind) {
      case 'field': {
        const fields = [t.value, ...this.fieldsAfter()];
        return { kind: 'field', base: null, fields };
      }
      case 'dot':
        return { kind: 'dot' };
      case 'variable':
        return { kind: 'variable', name: t.value, fields: this.fieldsAfter() };
      case 'ident': {
        const fields = this.fieldsAfter();
        if (fields.length) this.fail(t, `unexpected . after term "${t.value}"`);
        return { kind: 'func', name: t.value };
      }
      case 'string':
        return { kind: 'string', value: t.value };
      case 'char':
        return { kind: 'number', value: Number(t.value), text: t.value };
      case 'number': {
        const v = Number(t.value);
        if (Number.isNaN(v)) this.fail(t, `bad number syntax: ${t.value}`);
        return { kind: 'number', value: v, text: t.value };
      }
      case 'bool':
        return { kind: 'bool', value: t.value === 'true' };
      case 'nil':
        return { kind: 'nil' };
      case 'lparen': {
        const pipe = this.parsePipeline(t.line, true);
        this.expect('rparen');
        return { kind: 'pipeline', pipe, fields: this.fieldsAfter() };
      }
      default:
        this.fail(t, `unexpected ${this.describe(t)} in command`);
    }
  }
}
