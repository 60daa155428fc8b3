import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram, namedCommand } from '../../src/cli/program.js';
import { commands } from '../../src/commands/index.js';
import type { IO } from '../../src/cli/io.js';
import { captureIO } from '../helpers/cli.js';
import { skipWhenMissing } from '../helpers/requires.js';

/**
 * dist/cli/loader.cjs runs the argv's command from its own bundle (cmd-<name>.cjs, that command
 * only) and everything else from main.cjs (scripts/build.mjs). It chooses before any bundle is
 * loaded, with tables the build took from the program: the choice must be the command that
 * namedCommand (src/cli/program.ts) finds, and a command's bundle must behave as main.cjs does.
 */
interface Bundle {
  main(argv: string[], io: IO): Promise<number>;
}
interface Loader {
  bundleName(argv: readonly string[]): string;
  load(name: string, argv: readonly string[]): Bundle;
}
const built = existsSync('dist/cli/loader.cjs');
const loader = (built ? createRequire(import.meta.url)(path.resolve('dist/cli/loader.cjs')) : undefined) as Loader;

describe.skipIf(skipWhenMissing(!built))('per-command bundles', () => {
  it('the launcher picks the bundle of the command namedCommand finds, else main.cjs', () => {
    const probe = buildProgram(captureIO().io, []).program;
    const argvs = [
      ['analyze', '-A'],
      ['-n', 'analyze', 'version'],
      ['--context=x', '-o', 'json', 'ps'],
      ['--color', 'never', 'apply', '-y'],
      ['-i', 'istio-system', 'tag', 'list'],
      ['--request-timeout', '5s', 'health'],
      ['-c', '/k', 'pc', 'cluster', 'x'],
      ['--kubeconfig=/k', 'proxy-stats'],
      ['--istioNamespace', 'analyze', 'precheck'],
      ['analyze', '--help'],
      ['--help', 'analyze'],
      ['-h'],
      ['--version'],
      ['-o'],
      [],
      ['completion', 'bash'],
      ['help', 'analyze'],
      ['nosuch'],
      ['--', 'analyze'],
      ['constructor'],
      ['__proto__'],
      ['-x', 'analyze'],
      ...commands.flatMap((c) => [c.name, ...(c.aliases ?? [])].map((w) => [w])),
    ];
    for (const argv of argvs) {
      const spec = namedCommand(probe, commands, argv);
      expect(loader.bundleName(argv), JSON.stringify(argv)).toBe(spec && spec.name !== 'completion' ? `cmd-${spec.name}` : 'main');
    }
  });

  it('each command\'s bundle gives the output and exit code of main.cjs: help, usage errors and offline runs', async () => {
    const main = loader.load('main', []);
    const runs = [
      ['version', '--remote=false'],
      ['analyze', '--use-kube=false', '-A', '-o', 'json', 'fixtures/analyze/shop'],
      ['pc', 'cluster', '-f', 'fixtures/envoy/sidecar/config_dump.json'],
      ['proxy-stats', '--summary', '-f', 'fixtures/envoy/sidecar/stats-default.txt'],
      ['kube-inject', '--offline', '-f', 'fixtures/inject/pod.yaml'],
      ['manifest', 'generate', '--set', 'profile=demo'],
      ['diagnose', '--capture', 'fixtures/diagnose/healthy/capture'],
      ['-n', 'x', 'pc', 'nosuch', '-h'],
      ['tag', 'nosuch'],
    ];
    const argvs = [...commands.filter((c) => c.name !== 'completion').flatMap((c) => [[c.name, '--help'], [c.name, '--no-such-flag'], ...(c.aliases ?? []).map((a) => [a, '--help'])]), ...runs];
    for (const argv of argvs) {
      const name = loader.bundleName(argv);
      expect(name, JSON.stringify(argv)).not.toBe('main');
      const all = captureIO();
      const one = captureIO();
      const allCode = await main.main(argv, all.io);
      expect(all.out() + all.err(), JSON.stringify(argv)).not.toBe('');
      const oneCode = await loader.load(name, argv).main(argv, one.io);
      expect({ code: oneCode, out: one.out(), err: one.err() }, JSON.stringify(argv)).toEqual({ code: allCode, out: all.out(), err: all.err() });
    }
  });
});
