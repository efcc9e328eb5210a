/**
 * Bundles every task with the CDK app's own esbuild run (infra/bundling.ts) and prints its size.
 * Exits 1 if a bundle reaches MAX_BUNDLE_BYTES. `npm run bundle-sizes`; also used by the tests.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_BUNDLE_BYTES, taskBundlesDir } from '../infra/bundling';
import { taskCatalog } from '../tasks/catalog';

export async function bundleSizes(): Promise<Array<{ task: string; bytes: number }>> {
  const dir = taskBundlesDir();
  return Object.keys(taskCatalog)
    .map((task) => ({ task, bytes: statSync(join(dir, task, 'index.js')).size }))
    .sort((a, b) => b.bytes - a.bytes);
}

if (require.main === module) {
  void bundleSizes().then((sizes) => {
    const width = Math.max(...sizes.map((s) => s.task.length));
    for (const s of sizes)
      console.log(`${s.task.padEnd(width)}  ${(s.bytes / 1024).toFixed(0).padStart(5)} KiB${s.bytes >= MAX_BUNDLE_BYTES ? '  ✗ over 1 MiB' : ''}`);
    const over = sizes.filter((s) => s.bytes >= MAX_BUNDLE_BYTES);
    console.log(`${sizes.length} task bundles, largest ${(sizes[0].bytes / 1024).toFixed(0)} KiB, limit ${MAX_BUNDLE_BYTES / 1024} KiB`);
    process.exit(over.length ? 1 : 0);
  });
}
