/**
 * A correction to aws-local-stepfunctions, loaded before it: when one Map iteration fails, AWS stops
 * the Map (no further iteration starts); the engine aborts the running iterations but still starts
 * the queued ones (p-limit's queue), so with MaxConcurrency 1 a later /24 could be advertised after
 * the execution had failed and compensated. Here a failed iteration closes its Map's queue.
 */
import { dirname } from 'node:path';

type Limit = (<T>(fn: (...a: unknown[]) => Promise<T>, ...args: unknown[]) => Promise<T>) & Record<string, unknown>;

const enginePath = require.resolve('aws-local-stepfunctions');
if (require.cache[enginePath]) throw new Error('runner/engine-patches must be imported before aws-local-stepfunctions');
const engineDir = dirname(enginePath);
const pLimitPath = require.resolve('p-limit', { paths: [engineDir] });
const pLimit: (n: number) => Limit = require(pLimitPath);

function stoppingLimit(concurrency: number): Limit {
  const limit = pLimit(concurrency);
  let failed = false;
  const run = (<T>(fn: (...a: unknown[]) => Promise<T>, ...args: unknown[]) =>
    limit(async () => {
      if (failed) throw new Error('not started: an earlier iteration of this Map failed');
      try {
        return await fn(...args);
      } catch (e) {
        failed = true;
        throw e;
      }
    })) as Limit;
  for (const key of ['activeCount', 'pendingCount', 'clearQueue']) Object.defineProperty(run, key, { get: () => limit[key] });
  return run;
}

const cached = require.cache[pLimitPath];
if (cached && cached.exports !== stoppingLimit) cached.exports = stoppingLimit;
