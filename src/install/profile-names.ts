/**
 * The profile names, without the profile data: command help lists them at start-up, and loading
 * every profile for that would slow every command. profiles/index.ts checks it stays in sync.
 */
export const PROFILE_NAMES = ['ambient', 'default', 'demo', 'empty', 'minimal', 'openshift', 'openshift-ambient', 'preview', 'remote', 'stable'] as const;
