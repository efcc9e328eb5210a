/**
 * Bundles every task exactly as the CDK app does (infra/bundling.ts) and prints its size.
 * Exits 1 if a bundle reaches MAX_BUNDLE_BYTES. `npm run bundle-sizes`; also used by the tests.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions, MAX_BUNDLE_BYTES } from '../infra/bundling';
import { taskCatalog } from '../tasks/catalog';

const ROOT = join(__dirname, '..');

export async function bundleSizes(): Promise<Array<{ task: string; bytes: number }>> {
  const out = mkdtempSync(join(tmpdir(), 'byoip-bundles-'));
  const entries = Object.entries(taskCatalog);
  const sizes: Array<{ task: string; bytes: number }> = [];
  // A few at a time: esbuild is fast, but 2 cores.
  for (let i = 0; i < entries.length; i += 4) {
    await Promise.all(entries.slice(i, i + 4).map(async ([task, entry]) => {
      const outfile = join(out, `${task}.js`);
      await build({ ...esbuildOptions, entryPoints: [join(ROOT, entry)], outfile });
      sizes.push({ task, bytes: statSync(outfile).size });
    }));
  }
  return sizes.sort((a, b) => b.bytes - a.bytes);
}

if (require.main === module) {
  void bundleSizes().then((sizes) => {
    const width = Math.max(...sizes.map((s) => s.task.length));
    for (const s of sizes) console.log(`${s.task.padEnd(width)}  ${(s.bytes / 1024).toFixed(0).padStart(5)} KiB${s.bytes >= MAX_BUNDLE_BYTES ? '  ✗ over 1 MiB' : ''}`);
    const over = sizes.filter((s) => s.bytes >= MAX_BUNDLE_BYTES);
    console.log(`${sizes.length} task bundles, largest ${(sizes[0].bytes / 1024).toFixed(0)} KiB, limit ${MAX_BUNDLE_BYTES / 1024} KiB`);
    process.exit(over.length ? 1 : 0);
  });
}
