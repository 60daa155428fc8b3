export async function main(argv: string[]): Promise<number> {
  process.stdout.write(`istio-ts ${argv.join(' ')}\n`);
  return 0;
}
