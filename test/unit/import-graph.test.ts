/**
 * The layering a newcomer relies on: no import circles anywhere (type-only imports included), domain/
 * pure (nothing from the folders above it, no AWS SDK clients), platform/ (the contracts tasks, the
 * simulator's plug, the runner and the CLI share) built only on domain/, and tasks/ reached from the
 * simulator, the runner, the CLI and infra only through the short list below.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '..', '..');
const FOLDERS = ['domain', 'platform', 'tasks', 'workflows', 'sim', 'runner', 'cli', 'infra', 'bench', 'scripts'];

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
const graph = new Map<string, { local: string[]; packages: string[] }>(
  files.map((file) => {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const specs = importedFiles.map((i) => i.fileName);
    return [file, { local: specs.map((s) => resolveImport(file, s)).filter((f): f is string => !!f), packages: specs.filter((s) => !s.startsWith('.')) }];
  }),
);
const rel = (f: string) => relative(ROOT, f);

/** The only tasks/ modules imported from sim/, runner/, cli/ or infra/, by whom, and why. */
const TASKS_SEEN_FROM_OUTSIDE: Record<string, { from: string[]; why: string }> = {
  'tasks/catalog.ts': { from: ['infra/', 'runner/'], why: 'the task registry: infra makes a function of each entry, the runner loads the same handler files' },
  'tasks/approval/approval-page.ts': {
    from: ['runner/approval-server.ts'],
    why: 'a handler the runner serves: the local approval server answers with the approval page',
  },
};

/** Tarjan's strongly connected components: every component with more than one file is a circle. */
function circles(): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v)?.local ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(rel(w));
      } while (w !== v);
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
    const offending = [...graph]
      .filter(([f]) => rel(f).startsWith('domain/'))
      .flatMap(([f, { local, packages }]) => [
        ...local.filter((l) => !rel(l).startsWith('domain/')).map((l) => `${rel(f)} → ${rel(l)}`),
        ...packages.filter((p) => p.startsWith('@aws-sdk/client-')).map((p) => `${rel(f)} → ${p}`),
      ]);
    expect(offending).toEqual([]);
  });

  it('builds platform/ only on domain/: nothing from tasks/, sim/, runner/, cli/, infra/ or the rest', () => {
    const offending = [...graph]
      .filter(([f]) => rel(f).startsWith('platform/'))
      .flatMap(([f, { local }]) => local.filter((l) => !/^(platform|domain)\//.test(rel(l))).map((l) => `${rel(f)} → ${rel(l)}`));
    expect(offending).toEqual([]);
  });

  it('keeps tasks/ behind the simulator, the runner, the CLI and infra, but for the task registry and a handler the runner serves', () => {
    const offending = [...graph]
      .filter(([f]) => /^(sim|runner|cli|infra)\//.test(rel(f)))
      .flatMap(([f, { local }]) =>
        local
          .filter((l) => rel(l).startsWith('tasks/'))
          .filter((l) => !TASKS_SEEN_FROM_OUTSIDE[rel(l)]?.from.some((prefix) => rel(f).startsWith(prefix)))
          .map((l) => `${rel(f)} → ${rel(l)}`),
      );
    expect(offending).toEqual([]);
  });
});
