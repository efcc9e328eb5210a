/**
 * `byoip snapshot --region R [--profile P] --cidrs … --distributions … --zones … [--base world.json] [--out world.json]`:
 * a read-only capture of the account (runner/snapshot.ts) as a world file to rehearse on.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { snapshotAccount } from '../runner/snapshot';

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** "file:" references of the base world, made to work from where the snapshot is written. */
function rebaseFiles(value: unknown, from: string, to: string | undefined): unknown {
  if (typeof value === 'string' && value.startsWith('file:')) {
    const path = isAbsolute(value.slice(5)) ? value.slice(5) : resolve(from, value.slice(5));
    return `file:${to ? relative(to, path) : path}`;
  }
  if (Array.isArray(value)) return value.map((v) => rebaseFiles(v, from, to));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rebaseFiles(v, from, to)]));
  return value;
}

export function registerSnapshotCommand(program: Command, done: (code: number) => void): void {
  program
    .command('snapshot')
    .description('capture what the workflows touch in an AWS account (read-only) as a world file to rehearse on; never reads secrets or keys')
    .requiredOption('--region <region>', 'the IPAM home Region (CloudFront and Route 53 are read in us-east-1, Global Accelerator in us-west-2)')
    .option('--profile <profile>', 'AWS profile (default: the usual credential chain)')
    .option('--cidrs <list>', "the migration's prefixes, comma-separated: pools and BYOIP CIDRs overlapping them are captured (default: all)")
    .option('--distributions <list>', 'CloudFront distribution ids to capture, comma-separated')
    .option('--zones <list>', 'Route 53 hosted zone ids to capture, comma-separated')
    .option('--base <file>', "a world supplying what an account does not hold: the RIR's records, secrets as file references, timings, quotas")
    .option('--out <file>', 'write the world here (default: standard output)')
    .action(async (opts: { region: string; profile?: string; cidrs?: string; distributions?: string; zones?: string; base?: string; out?: string }) => {
      if (opts.profile) process.env.AWS_PROFILE = opts.profile;
      const outDir = opts.out ? dirname(resolve(opts.out)) : undefined;
      const base = opts.base
        ? (rebaseFiles(JSON.parse(readFileSync(opts.base, 'utf8')), dirname(resolve(opts.base)), outDir) as Record<string, unknown>)
        : undefined;
      const { world, notes } = await snapshotAccount({
        region: opts.region,
        cidrs: list(opts.cidrs),
        distributions: list(opts.distributions),
        zones: list(opts.zones),
        base,
      });
      for (const n of notes) process.stderr.write(`note: ${n}\n`);
      const text = `${JSON.stringify(world, null, 2)}\n`;
      if (opts.out) {
        mkdirSync(outDir!, { recursive: true });
        writeFileSync(opts.out, text);
        process.stderr.write(`world: ${opts.out} (rehearse on it: byoip simulate <workflow> --input … --world ${opts.out})\n`);
      } else {
        process.stdout.write(text);
      }
      done(0);
    });
}
