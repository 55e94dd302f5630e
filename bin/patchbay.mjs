#!/usr/bin/env node
// The `patchbay` bin: runs the TypeScript CLI on Node 24 (type stripping; no build step).
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(`patchbay needs Node 24 or later (this is ${process.version}); run it through npm (npx patchbay …).\n`);
  process.exit(1);
}
const { main } = await import('../main/cli/patchbay.ts');
process.exit(await main(process.argv.slice(2)));
