/** analyze's -o values; kept apart so registration does not import the implementation. */
export const OUTPUTS = ['log', 'json', 'yaml', 'sarif', 'junit', 'github'] as const;
export type AnalyzeOutput = (typeof OUTPUTS)[number];
