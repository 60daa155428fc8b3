import { describe, expect, it } from 'vitest';
import { compile, markStringMap, TemplateExecError, TemplateSyntaxError } from '../../../src/inject/template/index.js';
import { lex } from '../../../src/inject/template/lexer.js';

interface Row {
  name: string;
  tmpl: string;
  data?: unknown;
  want: string;
}

const data = {
  Name: 'checkout',
  Values: { global: { hub: 'docker.io/istio', tag: '1.28.0', proxy: { statusPort: 15020, includeIPRanges: '*', privileged: false } } },
  Spec: { containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 8080 }] }, { name: 'istio-proxy' }] },
  Labels: markStringMap({ app: 'checkout' }),
  list: ['a', 'b', 'c'],
  m: { b: 2, a: 1 },
  n: 3,
  empty: '',
};

const rows: Row[] = [
  // text, actions, trim markers
  { name: 'plain text', tmpl: 'hello', want: 'hello' },
  { name: 'field chain on maps and struct-style fields', tmpl: '{{ .Values.global.hub }}/proxyv2:{{ .Values.global.tag }}', want: 'docker.io/istio/proxyv2:1.28.0' },
  { name: 'capitalised field maps to the lowerCamel JSON key', tmpl: '{{ range .Spec.Containers }}{{ .Name }} {{ end }}', want: 'app istio-proxy ' },
  { name: 'left and right trim markers', tmpl: 'a  \n  {{- "b" -}}  \n  c', want: 'abc' },
  { name: 'comment with trim', tmpl: 'a {{- /* note */ -}} b', want: 'ab' },
  { name: 'a missing map key prints <no value>', tmpl: '{{ .Values.global.missing }}', want: '<no value>' },
  { name: 'a missing struct field is the zero value', tmpl: '[{{ .Missing }}]', want: '[]' },
  { name: 'map[string]string index of a missing key is ""', tmpl: '[{{ index .Labels "version" }}]', want: '[]' },
  // pipelines and functions
  { name: 'pipeline passes the value as the last argument', tmpl: '{{ .empty | default "fallback" | quote }}', want: '"fallback"' },
  { name: 'printf verbs', tmpl: '{{ printf "%s:%d %q %v %5s|%-3s|" "a" 7 "q" true "r" "l" }}', want: 'a:7 "q" true     r|l  |' },
  { name: 'print adds spaces between non-strings', tmpl: '{{ print 1 2 "x" 3 }}', want: '1 2x3' },
  { name: 'len and index', tmpl: '{{ len .list }} {{ index .list 1 }} {{ index .m "a" }}', want: '3 b 1' },
  { name: 'comparisons', tmpl: '{{ eq .n 3 }} {{ ne .n 3 }} {{ lt 1 2 }} {{ ge .n 4 }} {{ eq "a" "b" "a" }}', want: 'true false true false true' },
  { name: 'and/or return an operand and short-circuit', tmpl: '{{ and 1 "x" }} {{ or "" 0 "y" }} {{ and 0 (index .list 99) }}', want: 'x y 0' },
  { name: 'not', tmpl: '{{ not .empty }} {{ not .n }}', want: 'true false' },
  { name: 'parenthesised pipeline with a field after it', tmpl: '{{ (index .Spec.Containers 0).Name }}', want: 'app' },
  // control structures
  { name: 'if / else if / else', tmpl: '{{ if eq .n 1 }}one{{ else if eq .n 3 }}three{{ else }}other{{ end }}', want: 'three' },
  { name: 'with rebinds dot and has else', tmpl: '{{ with .Values.global.hub }}{{ . }}{{ end }}|{{ with .empty }}x{{ else }}none{{ end }}', want: 'docker.io/istio|none' },
  { name: 'range over a list with index', tmpl: '{{ range $i, $v := .list }}{{ if $i }},{{ end }}{{ $v }}{{ end }}', want: 'a,b,c' },
  { name: 'range over a map visits keys in sorted order', tmpl: '{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}', want: 'a=1;b=2;' },
  { name: 'range else on empty', tmpl: '{{ range .Nothing }}x{{ else }}empty{{ end }}', want: 'empty' },
  { name: 'range over an integer', tmpl: '{{ range $i := 3 }}{{ $i }}{{ end }}', want: '012' },
  { name: 'break and continue', tmpl: '{{ range .list }}{{ if eq . "b" }}{{ continue }}{{ end }}{{ if eq . "c" }}{{ break }}{{ end }}{{ . }}{{ end }}', want: 'a' },
  { name: 'variables: declare, assign in a nested scope', tmpl: '{{ $first := true }}{{ range .list }}{{ if $first }}{{ $first = false }}[{{ . }}]{{ end }}{{ end }}', want: '[a]' },
  { name: '$ is the root data inside range', tmpl: '{{ range .list }}{{ $.n }}{{ end }}', want: '333' },
  { name: 'define and template with a pipeline', tmpl: '{{ define "img" }}{{ .hub }}/{{ .name }}{{ end }}{{ template "img" (dict "hub" "h" "name" "n") }}', want: 'h/n' },
  { name: 'block defines and runs in place', tmpl: '{{ block "b" .n }}n={{ . }}{{ end }}', want: 'n=3' },
  // Sprig
  { name: 'list, append, join', tmpl: '{{ $l := list "x" }}{{ $l = append $l "y" }}{{ join "," $l }}', want: 'x,y' },
  { name: 'toJson and toYaml', tmpl: '{{ toJson .m }}|{{ toYaml .m }}', want: '{"b":2,"a":1}|a: 1\nb: 2' },
  { name: 'indent and nindent', tmpl: 'x:{{ "a\\nb" | nindent 2 }}|{{ "c\\nd" | indent 1 }}', want: 'x:\n  a\n  b| c\n d' },
  { name: 'string helpers', tmpl: '{{ hasPrefix "ab" "abc" }} {{ trimPrefix "ab" "abc" }} {{ upper "q" }} {{ contains "b" "abc" }} {{ trunc 3 "abcdef" }} {{ replace "." "-" "a.b" }}', want: 'true c Q true abc a-b' },
  { name: 'split gives a map of _N keys', tmpl: '{{ $p := split ":" "a:b" }}{{ $p._1 }}', want: 'b' },
  { name: 'dict, hasKey, omit, ternary, empty', tmpl: '{{ $d := dict "a" 1 "b" 2 }}{{ hasKey $d "a" }} {{ toJson (omit $d "a") }} {{ ternary "y" "n" true }} {{ empty "" }}', want: 'true {"b":2} y true' },
];

describe('Go text/template engine', () => {
  it('has no duplicate rows', () => {
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
  });
  for (const r of rows) {
    it(r.name, () => {
      expect(compile('t', r.tmpl).execute(r.data ?? data)).toBe(r.want);
    });
  }
});

describe('template errors name the template and line', () => {
  const syntax: Array<[string, string, RegExp]> = [
    ['unclosed action', 'a\n{{ .x ', /^template: t:2: unclosed action/],
    ['missing end', '{{ if .x }}a', /unexpected EOF/],
    ['stray end', '{{ end }}', /unexpected \{\{end\}\}/],
    ['unterminated string', '{{ "abc }}', /unterminated quoted string/],
    ['break outside range', '{{ break }}', /outside \{\{range\}\}/],
  ];
  for (const [name, tmpl, re] of syntax) {
    it(name, () => {
      expect(() => compile('t', tmpl)).toThrow(TemplateSyntaxError);
      expect(() => compile('t', tmpl)).toThrow(re);
    });
  }
  const exec: Array<[string, string, RegExp]> = [
    ['unknown function', '{{ nope 1 }}', /^template: t:1: function "nope" not defined/],
    ['undefined variable', '\n\n{{ $x }}', /^template: t:3: undefined variable "\$x"/],
    ['missing template', '{{ template "x" }}', /no such template "x"/],
    ['index out of range', '{{ index .list 9 }}', /error calling index: index out of range/],
  ];
  for (const [name, tmpl, re] of exec) {
    it(name, () => {
      const t = compile('t', tmpl);
      expect(() => t.execute(data)).toThrow(TemplateExecError);
      expect(() => t.execute(data)).toThrow(re);
    });
  }
});

describe('lexer', () => {
  it('distinguishes chained fields from a new field operand', () => {
    const toks = lex('t', '{{ index .a.b .c }}').filter((t) => t.kind === 'field');
    expect(toks.map((t) => [t.value, Boolean(t.attached)])).toEqual([
      ['a', false],
      ['b', true],
      ['c', false],
    ]);
  });
  it('raw strings keep backslashes and newlines', () => {
    const s = lex('t', '{{ `a\\n\nb` }}').find((t) => t.kind === 'string');
    expect(s?.value).toBe('a\\n\nb');
  });
});
