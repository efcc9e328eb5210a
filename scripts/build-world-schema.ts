/** Writes docs/world.schema.json and docs/world.md from sim/world-schema.ts (test/sim/world-schema.test.ts checks they are current). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { worldJsonSchema, worldMarkdown } from '../sim/world-schema';

const DOCS = join(__dirname, '..', 'docs');
writeFileSync(join(DOCS, 'world.schema.json'), `${JSON.stringify(worldJsonSchema(), null, 2)}\n`);
writeFileSync(join(DOCS, 'world.md'), worldMarkdown());
process.stdout.write('docs/world.schema.json, docs/world.md\n');
