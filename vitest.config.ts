import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * e2e files share one harness, in vitest's own order, except install.test.ts: it deletes the
 * harness's Istio install and applies it again, and istiod's pushes after that re-apply raced the
 * data-plane suites that ran behind it (seen once in CI: ITS0005 got 200s before STRICT reached the
 * server; an ACK compared during a push). It runs last.
 */
class E2eOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const last = (f: TestSpecification) => f.moduleId.replaceAll('\\', '/').endsWith('/test/e2e/install.test.ts');
    return [...sorted.filter((f) => !last(f)), ...sorted.filter(last)];
  }
}

export default defineConfig({
  test: {
    // A root option (vitest ignores it per project); it only moves the e2e install suite.
    sequence: { sequencer: E2eOrder },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 1_800_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
