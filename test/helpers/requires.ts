/**
 * Whether a test that needs something outside the repository (the built CLI in dist/, the
 * conformance data in ../shared, bash) may be skipped because it is missing: only outside CI. In CI
 * (CI=true) the test runs anyway and fails on what is missing, so a green CI never hides skipped
 * checks.
 */
export function skipWhenMissing(missing: boolean): boolean {
  return missing && !process.env.CI;
}
