/**
 * Benchmarks (`npm run bench`; docs/performance.md explains every figure):
 *  1. every workflow's rehearsal at three timing scales, with our poll profiles and with a naive
 *     fixed 60 s poll, side by side: virtual time, lower bound, poll calls, API calls, wall time;
 *  2. a 24-hour BYOIP provisioning wait: checks used and detection lateness;
 *  3. N onboardings (default 100), each in a fresh world, at once: wall time and peak memory;
 *  4. the ip-ranges.json extraction and diff/plan for a 10,000-prefix document;
 *  5. every task's bundle size against the 1 MiB limit (--no-bundles skips it);
 *  6. path-pattern matching: the review's catastrophic pattern, and the largest patterns and paths.
 *
 * Options: --no-bundles, --json FILE, --only 1,2,... (sections), --onboardings N, --workers N.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { OnboardJob, OnboardResult } from './onboard-worker';

// Before any task handler loads (static imports are hoisted, so everything else is imported dynamically).
process.env.POWERTOOLS_LOG_LEVEL = 'CRITICAL';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

type Json = any;

/** A worker thread starts as plain Node: register tsx's TypeScript loader, then load the worker module. */
const WORKER_BOOT =
  "process.env.POWERTOOLS_LOG_LEVEL = 'CRITICAL'; const { workerData } = require('node:worker_threads'); require(workerData.tsx); require(workerData.file);";

interface Options {
  bundles: boolean;
  json?: string;
  only?: Set<number>;
  onboardings: number;
  workers: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { bundles: true, onboardings: 100, workers: Math.max(2, Math.min(4, availableParallelism() * 2)) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--no-bundles') o.bundles = false;
    else if (a === '--json') o.json = value();
    else if (a === '--only') o.only = new Set(value().split(',').map(Number));
    else if (a === '--onboardings') o.onboardings = Number(value());
    else if (a === '--workers') o.workers = Number(value());
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm run bench -- [--no-bundles] [--json FILE] [--only 1,2,3,4,5,6] [--onboardings N] [--workers N]');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// Output

type Cell = string | number;

/** An aligned table: text columns left, numbers right. */
function table(headers: string[], rows: Cell[][]): string {
  const text = rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => r[i].length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || /^[\d.,%×-]+\s?\w*$/.test(String(r[i]))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n');
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return '-';
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(Math.abs(n) >= 100 ? 0 : 2);
}

function section(n: number, title: string): void {
  console.log(`\n== ${n}. ${title} ${'='.repeat(Math.max(3, 96 - title.length))}`);
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const wants = (n: number) => !opts.only || opts.only.has(n);
  const { workflows } = await import('../workflows');
  const { scenarioFor, prepareScenario } = await import('../runner/scenarios');
  const { runWorkflow, loadDefinition } = await import('../runner/local-runner');
  const { naiveDefinition } = await import('./naive');
  const figures: Record<string, unknown> = { date: new Date().toISOString(), node: process.version };

  const { executionCost } = await import('./cost');
  type Run = {
    status: string;
    error: string | null;
    virtual: number;
    lowerBound: number;
    ratio: number;
    pollCalls: number;
    calls: number;
    wallMs: number;
    cost: import('./cost').ExecutionCost;
    report: Json;
  };
  async function run(workflow: string, naive: boolean, prepare: { timingScale?: number; worldPatch?: Json }): Promise<Run> {
    const { sim, input } = await prepareScenario(scenarioFor(workflow), prepare);
    const definition = naive ? naiveDefinition(loadDefinition(workflow)) : undefined;
    const started = performance.now();
    const runsBefore = sim.taskRuns.length;
    const { report } = await runWorkflow({ workflow, input, sim, approve: 'auto', definition });
    const wallMs = performance.now() - started;
    return {
      cost: executionCost(report, sim.taskRuns.slice(runsBefore)),
      status: report.status,
      error: report.error?.name ?? null,
      virtual: report.virtualSeconds,
      lowerBound: report.lowerBoundSeconds,
      ratio: report.lowerBoundSeconds > 0 ? report.virtualSeconds / report.lowerBoundSeconds : Number.NaN,
      pollCalls: report.pollCalls,
      calls: report.awsCalls.length,
      wallMs,
      report,
    };
  }

  // 1. -------------------------------------------------------------------------------------------
  if (wants(1)) {
    section(1, 'Workflows: our poll profiles vs a naive fixed 60 s poll (virtual seconds; wall ms)');
    const variants: Array<[string, number]> = [
      ['default', 1],
      ['fast', 0.25],
      ['slow', 4],
    ];
    const rows: Cell[][] = [];
    const costRows: Cell[][] = [];
    const out: Json[] = [];
    const failures: string[] = [];
    // Warm-up: the first run loads every task module and SDK client; keep that out of the wall times.
    await run('onboard-cloudfront-byoip', false, {});
    for (const wf of workflows) {
      for (const [label, timingScale] of variants) {
        const ours = await run(wf.name, false, { timingScale });
        const naive = await run(wf.name, true, { timingScale });
        for (const [who, r] of [
          ['ours', ours],
          ['naive', naive],
        ] as const) {
          if (r.status !== 'SUCCEEDED') failures.push(`${wf.name} ${label} ${who}: ${r.status} ${r.error ?? ''}`);
        }
        rows.push([
          wf.name,
          label,
          ours.status === 'SUCCEEDED' ? 'ok' : ours.status,
          ours.virtual,
          ours.lowerBound,
          ours.ratio.toFixed(2),
          ours.pollCalls,
          ours.calls,
          Math.round(ours.wallMs),
          '|',
          naive.status === 'SUCCEEDED' ? 'ok' : naive.status,
          naive.virtual,
          (naive.virtual / ours.lowerBound).toFixed(2),
          naive.pollCalls,
          naive.calls,
          Math.round(naive.wallMs),
        ]);
        const c = (r: Run) => [r.cost.stateTransitions, r.cost.historyEvents, r.cost.lambdaInvocations, r.cost.lambdaGbSeconds, `$${r.cost.usd.toFixed(4)}`];
        costRows.push([wf.name, label, ...c(ours), '|', ...c(naive)]);
        const strip = ({ report: _r, ...rest }: Run) => rest;
        out.push({ workflow: wf.name, timing: label, timingScale, ours: strip(ours), naive: strip(naive) });
      }
    }
    console.log(
      table(
        [
          'workflow',
          'timing',
          'status',
          'virtual s',
          'lower bd s',
          'ratio',
          'poll calls',
          'API calls',
          'wall ms',
          '|',
          'naive',
          'virtual s',
          'ratio',
          'poll calls',
          'API calls',
          'wall ms',
        ],
        rows,
      ),
    );
    const sum = (pick: (o: Json) => number) => out.reduce((n, o) => n + pick(o), 0);
    console.log(
      `\nTotals over ${out.length} runs: poll calls ${sum((o) => o.ours.pollCalls)} ours vs ${sum((o) => o.naive.pollCalls)} naive; ` +
        `virtual time ${Math.round(sum((o) => o.ours.virtual))} s ours vs ${Math.round(sum((o) => o.naive.virtual))} s naive; ` +
        `lower bounds ${Math.round(sum((o) => o.ours.lowerBound))} s.`,
    );
    console.log('ratio = virtual / lower bound of our run (the naive column divides by the same bound).');
    console.log(failures.length ? `NOT ALL SUCCEEDED:\n  ${failures.join('\n  ')}` : 'Every run, ours and naive, SUCCEEDED.');
    console.log('\nWhat one execution costs in AWS (list prices, us-east-1; docs/performance.md "Cost of one execution"):');
    console.log(
      table(
        [
          'workflow',
          'timing',
          'transitions',
          'history events',
          'Lambda calls',
          'GB-s',
          'USD',
          '|',
          'naive transitions',
          'history events',
          'Lambda calls',
          'GB-s',
          'USD',
        ],
        costRows,
      ),
    );
    figures.workflows = out;
  }

  // 2. -------------------------------------------------------------------------------------------
  if (wants(2)) {
    section(2, 'A 24-hour BYOIP provisioning wait (target: <= 40 checks, detected within 5 % of 24 h)');
    const DAY = 86_400;
    const cases = [
      {
        workflow: 'onboard-cloudfront-byoip',
        state: 'AwaitTopLevelProvisioned',
        what: 'IPAM top-level pool',
        worldPatch: { timings: { byoipProvision: DAY } },
      },
      { workflow: 'static-ip-byoip', state: 'AwaitCidrsReady', what: 'Global Accelerator BYOIP', worldPatch: { timings: { gaByoipProvision: DAY } } },
    ];
    const rows: Cell[][] = [];
    const out: Json[] = [];
    for (const c of cases) {
      for (const naive of [false, true]) {
        const r = await run(c.workflow, naive, { worldPatch: c.worldPatch });
        const loops = r.report.polls as Array<{
          state: string;
          checks: number;
          startedAt: number;
          readyAt: number | null;
          doneAt: number | null;
          lateSeconds: number;
        }>;
        // The loop that waited the longest (the provisioning), whatever its state name.
        const loop =
          loops.filter((l) => l.state === c.state)[0] ?? [...loops].sort((a, b) => (b.doneAt ?? 0) - b.startedAt - ((a.doneAt ?? 0) - a.startedAt))[0];
        const latePct = (100 * loop.lateSeconds) / DAY;
        const meets = loop.checks <= 40 && latePct <= 5;
        rows.push([
          c.workflow,
          loop.state,
          naive ? 'naive 60 s' : 'ours',
          r.status === 'SUCCEEDED' ? 'ok' : r.status,
          loop.checks,
          loop.startedAt,
          loop.readyAt ?? '-',
          loop.doneAt ?? '-',
          loop.lateSeconds,
          `${latePct.toFixed(2)} %`,
          naive ? '' : meets ? 'yes' : 'NO',
        ]);
        out.push({
          workflow: c.workflow,
          what: c.what,
          variant: naive ? 'naive' : 'ours',
          state: loop.state,
          status: r.status,
          checks: loop.checks,
          startedAt: loop.startedAt,
          readyAt: loop.readyAt,
          doneAt: loop.doneAt,
          lateSeconds: loop.lateSeconds,
          latePercentOfDay: round(latePct, 3),
          meetsTarget: meets,
        });
      }
    }
    console.log(
      table(['workflow', 'poll loop', 'polling', 'status', 'checks', 'started s', 'ready s', 'noticed s', 'late s', 'late % of 24 h', 'target met'], rows),
    );
    console.log('ready = when the simulated CIDR reached provisioned; noticed = the check that saw it.');
    figures.provisioning24h = out;
  }

  // 3. -------------------------------------------------------------------------------------------
  if (wants(3)) {
    const n = opts.onboardings;
    const workflow = 'onboard-cloudfront-byoip';
    section(3, `${n} concurrent ${workflow} executions, each in a fresh world (target: < 60 s wall)`);
    let peakRss = process.memoryUsage().rss;
    let peakHeap = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 25);
    const started = performance.now();
    const workers = Array.from(
      { length: Math.max(1, opts.workers) },
      () => new Worker(WORKER_BOOT, { eval: true, workerData: { file: join(__dirname, 'onboard-worker.ts'), tsx: require.resolve('tsx/cjs') } }),
    );
    const idle = [...workers];
    const waiting: Array<(w: Worker) => void> = [];
    const acquire = () =>
      new Promise<Worker>((resolve) => {
        const w = idle.pop();
        if (w) resolve(w);
        else waiting.push(resolve);
      });
    const release = (w: Worker) => {
      const next = waiting.shift();
      if (next) next(w);
      else idle.push(w);
    };
    let peakWorkerHeap = 0;
    const results = await Promise.all(
      Array.from({ length: n }, async (_, id) => {
        const w = await acquire();
        try {
          return await new Promise<OnboardResult>((resolve, reject) => {
            const onMessage = (m: OnboardResult) => {
              if (m.id === id) {
                w.off('message', onMessage);
                w.off('error', reject);
                resolve(m);
              }
            };
            w.on('message', onMessage);
            w.once('error', reject);
            w.postMessage({ id, workflow } satisfies OnboardJob);
          });
        } finally {
          release(w);
        }
      }),
    );
    const wallMs = performance.now() - started;
    clearInterval(sampler);
    await Promise.all(workers.map((w) => w.terminate()));
    for (const r of results) peakWorkerHeap = Math.max(peakWorkerHeap, r.heapUsed);
    const ok = results.filter((r) => r.status === 'SUCCEEDED').length;
    const per = results.map((r) => r.wallMs);
    const MiB = 1024 * 1024;
    console.log(
      table(
        [
          'executions',
          'succeeded',
          'worker threads',
          'wall s',
          'per run ms (median)',
          'per run ms (max)',
          'peak RSS MiB',
          'peak heap/thread MiB',
          'target met',
        ],
        [
          [
            n,
            ok,
            workers.length,
            round(wallMs / 1000, 1),
            Math.round(median(per)),
            Math.round(Math.max(...per)),
            Math.round(peakRss / MiB),
            Math.round(peakWorkerHeap / MiB),
            wallMs < 60_000 && ok === n ? 'yes' : 'NO',
          ],
        ],
      ),
    );
    const bad = results.filter((r) => r.status !== 'SUCCEEDED');
    if (bad.length)
      console.log(
        `NOT SUCCEEDED: ${bad
          .slice(0, 5)
          .map((r) => `#${r.id} ${r.status} ${r.error ?? ''}`)
          .join('; ')}${bad.length > 5 ? ' ...' : ''}`,
      );
    console.log('The simulator fakes the process-wide clock (Date, timers), so a thread hosts one world at a time: all');
    console.log(`${n} executions are started at once (Promise.all) and ${workers.length} worker threads run them; RSS covers every thread.`);
    figures.concurrency = {
      workflow,
      executions: n,
      succeeded: ok,
      workers: workers.length,
      wallSeconds: round(wallMs / 1000, 2),
      perRunMsMedian: Math.round(median(per)),
      peakRssMiB: Math.round(peakRss / MiB),
      peakWorkerHeapMiB: Math.round(peakWorkerHeap / MiB),
    };
  }

  // 4. -------------------------------------------------------------------------------------------
  if (wants(4)) {
    section(4, 'ip-ranges.json: extract and plan from a 10,000-prefix document (ms, median of 7 runs)');
    const { generatePublications, documentText } = await import('../sim/services/ip-ranges/publications');
    const { extractOriginFacing } = await import('../domain/origin-ranges');
    const { diffSets, planShards, applyShardPlan, planPrefixList } = await import('../domain/origin-lockdown');
    const TIMES = ['2026-11-30T18:00:00.000Z', '2026-12-01T07:45:00.000Z'];
    const opt = { seed: 10_000, ipv4Prefixes: 7_000, ipv6Prefixes: 3_000, originFacingIpv4: 180, originFacingIpv6: 60 };
    const [before, after] = generatePublications(opt, [{}, { churn: 100, originFacing: { addIpv4: 6, removeIpv4: 4, addIpv6: 2, removeIpv6: 1 } }], TIMES);
    const body = documentText(after);
    const entries = after.prefixes.length + after.ipv6_prefixes.length;
    const ports = [
      { protocol: 'tcp' as const, fromPort: 443, toPort: 443 },
      { protocol: 'tcp' as const, fromPort: 80, toPort: 80 },
    ];
    const old = extractOriginFacing(documentText(before));
    const groups = applyShardPlan([], planShards({ groups: [], desired: old, ports, rulesPerGroup: 60 }));
    const allBefore = [...new Set([...before.prefixes.map((p) => p.ip_prefix), ...before.ipv6_prefixes.map((p) => p.ipv6_prefix)])];
    const allAfter = [...new Set([...after.prefixes.map((p) => p.ip_prefix), ...after.ipv6_prefixes.map((p) => p.ipv6_prefix)])];
    const time = (fn: () => unknown, runs = 7) => {
      fn(); // warm
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        fn();
        ms.push(performance.now() - t);
      }
      return median(ms);
    };
    let published = extractOriginFacing(body);
    const steps: Array<[string, string, () => unknown]> = [
      [
        'extractOriginFacing',
        `parse ${(Buffer.byteLength(body) / 1024 / 1024).toFixed(1)} MiB, ${entries} entries -> ${published.ipv4.length} + ${published.ipv6.length} origin-facing`,
        () => {
          published = extractOriginFacing(body);
        },
      ],
      [
        'planShards',
        `${old.ipv4.length + old.ipv6.length} ranges in ${groups.length} groups -> new set`,
        () => planShards({ groups, desired: published, ports, rulesPerGroup: 60 }),
      ],
      [
        'planPrefixList',
        `ipv4 list of ${old.ipv4.length} -> ${published.ipv4.length}`,
        () => planPrefixList({ name: 'cf-origin-v4', family: 'ipv4', current: { entries: old.ipv4, maxEntries: 200 }, headroom: 10 }, published.ipv4),
      ],
      [
        'all three (one sync plan)',
        'what one notification costs the planner',
        () => {
          const p = extractOriginFacing(body);
          planShards({ groups, desired: p, ports, rulesPerGroup: 60 });
          planPrefixList({ name: 'cf-origin-v4', family: 'ipv4', current: { entries: old.ipv4, maxEntries: 200 }, headroom: 10 }, p.ipv4);
        },
      ],
      ['diffSets, every prefix', `${allBefore.length} vs ${allAfter.length} CIDRs (stress: the whole file as one set)`, () => diffSets(allBefore, allAfter)],
    ];
    const rows: Cell[][] = [];
    const out: Json[] = [];
    for (const [name, what, fn] of steps) {
      const ms = time(fn);
      rows.push([name, what, round(ms, 1)]);
      out.push({ step: name, what, medianMs: round(ms, 2) });
    }
    console.log(table(['step', 'input', 'median ms'], rows));
    console.log(
      `Document: ${opt.ipv4Prefixes} IPv4 + ${opt.ipv6Prefixes} IPv6 distinct prefixes (${entries} entries: each also listed under AMAZON, as AWS does).`,
    );
    figures.ipRanges = { document: { ...opt, entries, bytes: Buffer.byteLength(body) }, steps: out };
  }

  // 5. -------------------------------------------------------------------------------------------
  if (wants(5) && opts.bundles) {
    section(5, 'Task bundle sizes (esbuild, as CDK bundles them; limit 1 MiB)');
    const { bundleSizes } = await import('../scripts/bundle-sizes');
    const { MAX_BUNDLE_BYTES } = await import('../infra/bundling');
    const started = performance.now();
    const sizes = await bundleSizes();
    const rows: Cell[][] = sizes.map((s) => [
      s.task,
      round(s.bytes / 1024, 0),
      `${((100 * s.bytes) / MAX_BUNDLE_BYTES).toFixed(0)} %`,
      s.bytes >= MAX_BUNDLE_BYTES ? 'OVER' : '',
    ]);
    console.log(table(['task', 'KiB', 'of limit', ''], rows));
    const max = sizes[0];
    console.log(
      `${sizes.length} bundles in ${round((performance.now() - started) / 1000, 1)} s; largest ${max.task} ${(max.bytes / 1024).toFixed(0)} KiB = ${((100 * max.bytes) / MAX_BUNDLE_BYTES).toFixed(0)} % of ${MAX_BUNDLE_BYTES / 1024} KiB; ${sizes.filter((s) => s.bytes >= MAX_BUNDLE_BYTES).length} over.`,
    );
    figures.bundles = { limitBytes: MAX_BUNDLE_BYTES, maxBytes: max.bytes, maxTask: max.task, sizes };
  } else if (wants(5)) {
    console.log('\n(5. bundle sizes skipped: --no-bundles)');
  }

  // 6. -------------------------------------------------------------------------------------------
  if (wants(6)) {
    section(6, "Path-pattern matching (target: the review's 18-character pattern on a 61-character path < 10 ms)");
    const { wildcardMatch } = await import('../domain/wildcard');
    const cases: Array<[string, string, string]> = [
      ["review's ReDoS pattern", `/${'*a'.repeat(8)}b`, `/${'a'.repeat(60)}`],
      ['the same, searching to the end', `/${'*a'.repeat(8)}*b*`, `/${'a'.repeat(60)}`],
      ['254-char pattern, 126 stars, 1024-char path', `/${'*a'.repeat(125)}*b*`, `/${'a'.repeat(1023)}`],
      ["a team's pattern, long path", '/team-a/*', `/team-a/${'x'.repeat(1015)}`],
    ];
    const rows: Cell[][] = [];
    const out: Json[] = [];
    for (const [name, pattern, path] of cases) {
      const counter = { steps: 0 };
      const matched = wildcardMatch(pattern, path, { counter });
      const runs = 200;
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        wildcardMatch(pattern, path);
        ms.push(performance.now() - t);
      }
      const worst = Math.max(...ms);
      rows.push([name, pattern.length, path.length, String(matched), counter.steps, round(median(ms) * 1000, 1), round(worst, 3), worst < 10 ? 'yes' : 'NO']);
      out.push({
        case: name,
        patternLength: pattern.length,
        pathLength: path.length,
        matched,
        steps: counter.steps,
        medianUs: round(median(ms) * 1000, 2),
        maxMs: round(worst, 3),
      });
    }
    console.log(table(['case', 'pattern chars', 'path chars', 'match', 'comparisons', 'median µs', 'max ms', '< 10 ms'], rows));
    console.log('The backtracking regex this replaced took ~27.8 s on the first case (not run here).');
    figures.pathPatterns = out;
  }

  if (opts.json) {
    writeFileSync(opts.json, `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`\nFigures written to ${opts.json}`);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
