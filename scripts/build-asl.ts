/**
 * Writes asl/<workflow>.asl.json from workflows/. The files are committed: they are what CDK
 * deploys and what reviewers read. `--check` fails if any file is stale (used by the tests).
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { workflows } from '../workflows';

export const ASL_DIR = join(__dirname, '..', 'asl');

export function renderAsl(name: string): string {
  const wf = workflows.find((w) => w.name === name)!;
  return `${JSON.stringify(wf.build(), null, 2)}\n`;
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const wf of workflows) {
    const file = join(ASL_DIR, `${wf.name}.asl.json`);
    const text = renderAsl(wf.name);
    if (check) {
      if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
        console.error(`stale: ${file} (run npm run build:asl)`);
        stale++;
      }
    } else {
      writeFileSync(file, text);
      console.log(`wrote ${file}`);
    }
  }
  process.exit(stale ? 1 : 0);
}
