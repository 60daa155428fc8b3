/** Executor for parsed Go text/templates. Pure: data and functions in, text out. */
import type { Command, ControlNode, Node, Operand, ParsedTemplate, Pipeline } from './parser.js';
import { field, printValue, truth, ZERO, type GoValue } from './values.js';

/** A template function. `and`/`or` are special-cased by the executor (they short-circuit). */
export type TemplateFunc = (...args: GoValue[]) => GoValue;
export type FuncMap = Readonly<Record<string, TemplateFunc>>;

export class TemplateExecError extends Error {
  constructor(
    readonly templateName: string,
    readonly line: number,
    message: string,
  ) {
    super(`template: ${templateName}:${line}: ${message}`);
    this.name = 'TemplateExecError';
  }
}

class BreakSignal {}
class ContinueSignal {}

interface Scope {
  vars: Array<[string, GoValue]>;
}

const MAX_DEPTH = 100_000;

export function execute(tmpl: ParsedTemplate, data: GoValue, funcs: FuncMap): string {
  const ex = new Executor(tmpl, funcs, data);
  const out: string[] = [];
  ex.walkList(tmpl.root, data, { vars: [['$', data]] }, out);
  return out.join('');
}

class Executor {
  private depth = 0;
  private line = 0;

  constructor(
    private readonly tmpl: ParsedTemplate,
    private readonly funcs: FuncMap,
    private readonly root: GoValue,
  ) {}

  private fail(msg: string): never {
    throw new TemplateExecError(this.tmpl.name, this.line, msg);
  }

  walkList(nodes: Node[], dot: GoValue, scope: Scope, out: string[]): void {
    const mark = scope.vars.length;
    try {
      for (const n of nodes) this.walk(n, dot, scope, out);
    } finally {
      scope.vars.length = mark;
    }
  }

  private walk(n: Node, dot: GoValue, scope: Scope, out: string[]): void {
    switch (n.kind) {
      case 'text':
        out.push(n.text);
        return;
      case 'action': {
        this.line = n.pipe.line;
        const v = this.evalPipeline(n.pipe, dot, scope);
        if (n.pipe.decl.length === 0) out.push(printValue(v));
        return;
      }
      case 'if':
      case 'with': {
        this.line = n.line;
        const mark = scope.vars.length;
        const v = this.evalPipeline(n.pipe, dot, scope);
        try {
          if (truth(v)) this.walkList(n.list, n.kind === 'with' ? v : dot, scope, out);
          else if (n.elseList) this.walkList(n.elseList, dot, scope, out);
        } finally {
          scope.vars.length = mark;
        }
        return;
      }
      case 'range':
        this.walkRange(n, dot, scope, out);
        return;
      case 'template': {
        this.line = n.line;
        const body = this.tmpl.defines.get(n.name);
        if (!body) this.fail(`no such template "${n.name}"`);
        const v = n.pipe ? this.evalPipeline(n.pipe, dot, scope) : undefined;
        if (++this.depth > MAX_DEPTH) this.fail('exceeded maximum template depth');
        try {
          this.walkList(body, v, { vars: [['$', v]] }, out);
        } finally {
          this.depth--;
        }
        return;
      }
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
    }
  }

  private walkRange(n: ControlNode, dot: GoValue, scope: Scope, out: string[]): void {
    this.line = n.line;
    const mark = scope.vars.length;
    // The range pipeline's declarations bind per iteration, not to the pipeline value.
    const decl = n.pipe.decl;
    const pipe: Pipeline = { ...n.pipe, decl: [] };
    const v = this.evalPipeline(pipe, dot, scope);
    const entries: Array<[GoValue, GoValue]> = [];
    if (Array.isArray(v)) v.forEach((x, i) => entries.push([i, x]));
    else if (typeof v === 'number' && Number.isInteger(v)) for (let i = 0; i < v; i++) entries.push([i, i]);
    else if (typeof v === 'object' && v !== null) for (const k of Object.keys(v).sort()) entries.push([k, (v as Record<string, unknown>)[k]]);
    else if (v !== undefined && v !== null && v !== ZERO) this.fail(`range can't iterate over ${printValue(v)}`);
    try {
      if (entries.length === 0) {
        if (n.elseList) this.walkList(n.elseList, dot, scope, out);
        return;
      }
      for (const [k, x] of entries) {
        const m2 = scope.vars.length;
        if (decl.length === 1) scope.vars.push([decl[0]!, x]);
        else if (decl.length === 2) scope.vars.push([decl[0]!, k], [decl[1]!, x]);
        try {
          this.walkList(n.list, x, scope, out);
        } catch (e) {
          if (e instanceof BreakSignal) break;
          if (!(e instanceof ContinueSignal)) throw e;
        } finally {
          scope.vars.length = m2;
        }
      }
    } finally {
      scope.vars.length = mark;
    }
  }

  private lookupVar(scope: Scope, name: string): GoValue {
    for (let i = scope.vars.length - 1; i >= 0; i--) if (scope.vars[i]![0] === name) return scope.vars[i]![1];
    this.fail(`undefined variable "${name}"`);
  }

  private setVar(scope: Scope, name: string, v: GoValue): void {
    for (let i = scope.vars.length - 1; i >= 0; i--) {
      if (scope.vars[i]![0] === name) {
        scope.vars[i]![1] = v;
        return;
      }
    }
    this.fail(`undefined variable "${name}"`);
  }

  evalPipeline(p: Pipeline, dot: GoValue, scope: Scope): GoValue {
    let v: GoValue = undefined;
    let first = true;
    for (const c of p.cmds) {
      v = this.evalCommand(c, dot, scope, first ? null : { value: v });
      first = false;
    }
    if (p.decl.length > 0) {
      if (p.isAssign) this.setVar(scope, p.decl[0]!, v);
      else scope.vars.push([p.decl[0]!, v]);
    }
    return v;
  }

  private evalCommand(c: Command, dot: GoValue, scope: Scope, piped: { value: GoValue } | null): GoValue {
    const head = c.args[0]!;
    if (head.kind === 'func') {
      const rest = c.args.slice(1);
      if (head.name === 'and' || head.name === 'or') {
        const thunks = rest.map((a) => () => this.evalOperand(a, dot, scope));
        if (piped) thunks.push(() => piped.value);
        if (thunks.length === 0) this.fail(`wrong number of args for ${head.name}: want at least 1 got 0`);
        let v: GoValue = undefined;
        for (const t of thunks) {
          v = t();
          if (head.name === 'and' ? !truth(v) : truth(v)) return v;
        }
        return v;
      }
      const fn = this.funcs[head.name];
      if (!fn) this.fail(`function "${head.name}" not defined`);
      const args = rest.map((a) => this.evalOperand(a, dot, scope));
      if (piped) args.push(piped.value);
      try {
        return fn(...args);
      } catch (e) {
        if (e instanceof TemplateExecError) throw e;
        this.fail(`error calling ${head.name}: ${(e as Error).message}`);
      }
    }
    if (c.args.length > 1 || piped) {
      if (head.kind === 'field' || head.kind === 'variable') this.fail(`can't give argument to non-function ${describeOperand(head)}`);
      this.fail(`can't give argument to non-function ${describeOperand(head)}`);
    }
    return this.evalOperand(head, dot, scope);
  }

  private evalOperand(o: Operand, dot: GoValue, scope: Scope): GoValue {
    switch (o.kind) {
      case 'dot':
        return dot;
      case 'field':
        return this.chain(o.base ? this.evalOperand(o.base, dot, scope) : dot, o.fields);
      case 'variable':
        return this.chain(this.lookupVar(scope, o.name), o.fields);
      case 'string':
        return o.value;
      case 'number':
        return o.value;
      case 'bool':
        return o.value;
      case 'nil':
        return null;
      case 'pipeline':
        return this.chain(this.evalPipeline(o.pipe, dot, { vars: scope.vars }), o.fields);
      case 'func': {
        if (o.name === 'and' || o.name === 'or') this.fail(`${o.name} used as a value`);
        const fn = this.funcs[o.name];
        if (!fn) this.fail(`function "${o.name}" not defined`);
        try {
          return fn();
        } catch (e) {
          this.fail(`error calling ${o.name}: ${(e as Error).message}`);
        }
      }
    }
  }

  private chain(v: GoValue, fields: string[]): GoValue {
    let cur = v;
    for (const f of fields) {
      try {
        cur = field(cur, f);
      } catch (e) {
        this.fail((e as Error).message);
      }
    }
    return cur;
  }

  get rootData(): GoValue {
    return this.root;
  }
}

function describeOperand(o: Operand): string {
  if (o.kind === 'field') return '.' + o.fields.join('.');
  if (o.kind === 'variable') return [o.name, ...o.fields].join('.');
  return o.kind;
}
