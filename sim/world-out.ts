/**
 * The world as a run left it, as a world file (`byoip simulate --world-out`, chained rehearsals,
 * `byoip snapshot`): the shared fields, every model's section (ServiceModel.toWorld), the time the
 * run ended as the new start, and the id sequence, so the next rehearsal continues where this one
 * stopped. Work in flight is written as it will end; the notes say what was approximated.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { Simulator } from './simulator';
import { inlinedFiles } from './world';
import { worldProblems } from './world-schema';

export interface WrittenWorld {
  world: Record<string, unknown>;
  /** What could not be written exactly (work in flight, history the world format does not keep). */
  notes: string[];
}

const SHARED = ['description', 'startTime', 'defaultRegion', 'defaultAccount', 'accounts', 'timings', 'throttling', 'deployment', 'idSequence'];

/** The simulated world now, as a valid world file's content. */
export function worldOf(sim: Simulator): WrittenWorld {
  const notes: string[] = [];
  const sections = sim.worldSections((text) => notes.push(text));
  const w = sim.world as Record<string, unknown>;
  // Sections no model writes (e.g. another branch's "internet") go through unchanged.
  const others = Object.fromEntries(Object.entries(w).filter(([k]) => !SHARED.includes(k) && !(k in sections) && k !== '$schema'));
  for (const p of sim.taskTokens.pending()) notes.push(`a callback of ${p.stateName} is still waiting; not written`);
  const world = JSON.parse(
    JSON.stringify({
      ...(w.description ? { description: w.description } : {}),
      startTime: new Date(sim.clock.now()).toISOString(),
      defaultRegion: w.defaultRegion,
      defaultAccount: w.defaultAccount,
      accounts: w.accounts,
      timings: w.timings,
      throttling: w.throttling,
      deployment: w.deployment,
      idSequence: sim.idSequence,
      ...others,
      ...sections,
    }),
  );
  const problems = worldProblems(world);
  if (problems.length) throw new Error(`simulator bug: the world it writes is not valid:\n  ${problems.join('\n  ')}`);
  return { world, notes };
}

/** Strings that came from "file:" references go back as references, relative to where the world is written. */
export function withFileReferences(value: unknown, files: ReadonlyMap<string, string>, dir: string): unknown {
  if (typeof value === 'string') {
    const path = files.get(value);
    return path ? `file:${relative(dir, path)}` : value;
  }
  if (Array.isArray(value)) return value.map((v) => withFileReferences(v, files, dir));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withFileReferences(v, files, dir)]));
  return value;
}

/** Writes the world as it is now to `file`; returns the notes. */
export function writeWorldFile(sim: Simulator, file: string): string[] {
  const { world, notes } = worldOf(sim);
  const dir = dirname(resolve(file));
  mkdirSync(dir, { recursive: true });
  const schema = relative(dir, resolve(__dirname, '..', 'docs', 'world.schema.json'));
  writeFileSync(file, `${JSON.stringify({ $schema: schema, ...(withFileReferences(world, inlinedFiles(sim.world), dir) as object) }, null, 2)}\n`);
  return notes;
}
