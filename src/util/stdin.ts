/** All of standard input as bytes (for "-" arguments whose encoding is checked, as a file's is). */
export async function readStdinBytes(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** All of standard input as UTF-8 (for "-" arguments). */
export async function readStdin(): Promise<string> {
  return (await readStdinBytes()).toString('utf8');
}
