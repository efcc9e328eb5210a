/**
 * The layering a newcomer relies on: no import circles anywhere (type-only imports included), and domain/
 * pure (nothing from the folders above it, no AWS SDK clients).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '..', '..');
const FOLDERS = ['domain', 'tasks', 'workflows', 'sim', 'runner', 'cli', 'infra', 'bench', 'scripts'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sources(path);
    return /\.ts$/.test(name) && !/\.d\.ts$/.test(name) ? [path] : [];
  });
}

function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  return [`${base}.ts`, join(base, 'index.ts')].find(existsSync);
}

const files = FOLDERS.filter((f) => existsSync(join(ROOT, f))).flatMap((f) => sources(join(ROOT, f)));
const graph = new Map<string, { local: string[]; packages: string[] }>(files.map((file) => {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const specs = importedFiles.map((i) => i.fileName);
  return [file, { local: specs.map((s) => resolveImport(file, s)).filter((f): f is string => !!f), packages: specs.filter((s) => !s.startsWith('.')) }];
}));
const rel = (f: string) => relative(ROOT, f);

/** Tarjan's strongly connected components: every component with more than one file is a circle. */
function circles(): string[][] {
  let index = 0;
  const idx = new Map<string, number>(); const low = new Map<string, number>(); const stack: string[] = []; const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index); low.set(v, index); index++; stack.push(v); on.add(v);
    for (const w of graph.get(v)?.local ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); scc.push(rel(w)); } while (w !== v);
      if (scc.length > 1 || (graph.get(v)?.local ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const f of graph.keys()) if (!idx.has(f)) visit(f);
  return out;
}

describe('the import graph', () => {
  it('reads every source file of the project', () => {
    expect(files.length).toBeGreaterThan(200);
    expect(files.some((f) => rel(f) === 'sim/services/cloudfront/index.ts')).toBe(true);
  });

  it('has no circles', () => {
    expect(circles()).toEqual([]);
  });

  it('keeps domain/ pure: it imports only domain/ and no AWS SDK client', () => {
    const offending = [...graph].filter(([f]) => rel(f).startsWith('domain/')).flatMap(([f, { local, packages }]) => [
      ...local.filter((l) => !rel(l).startsWith('domain/')).map((l) => `${rel(f)} → ${rel(l)}`),
      ...packages.filter((p) => p.startsWith('@aws-sdk/client-')).map((p) => `${rel(f)} → ${p}`),
    ]);
    expect(offending).toEqual([]);
  });
});
