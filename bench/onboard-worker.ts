/**
 * A worker thread for the concurrency benchmark (bench/run.ts): runs onboardings, each in its own
 * fresh simulated world. The simulator's virtual clock fakes the process-wide timers and Date, so a
 * thread hosts one world at a time; concurrency comes from several threads.
 */
import { parentPort } from 'node:worker_threads';
// bench/run.ts sets POWERTOOLS_LOG_LEVEL=CRITICAL before starting the threads (they inherit its env).
import { runWorkflow } from '../runner/local-runner';
import { prepareScenario, scenarioFor } from '../runner/scenarios';

export interface OnboardJob {
  readonly id: number;
  readonly workflow: string;
}
export interface OnboardResult {
  readonly id: number;
  readonly status: string;
  readonly error: string | null;
  readonly virtualSeconds: number;
  readonly wallMs: number;
  readonly heapUsed: number;
}

parentPort!.on('message', (job: OnboardJob) => {
  void (async () => {
    const started = performance.now();
    try {
      const { sim, input } = await prepareScenario(scenarioFor(job.workflow));
      const { report } = await runWorkflow({ workflow: job.workflow, input, sim, approve: 'auto', executionName: `bench-${job.id}` });
      const out: OnboardResult = {
        id: job.id,
        status: report.status,
        error: report.error ? report.error.name : null,
        virtualSeconds: report.virtualSeconds,
        wallMs: performance.now() - started,
        heapUsed: process.memoryUsage().heapUsed,
      };
      parentPort!.postMessage(out);
    } catch (e) {
      parentPort!.postMessage({
        id: job.id,
        status: 'ERROR',
        error: (e as Error).message,
        virtualSeconds: 0,
        wallMs: performance.now() - started,
        heapUsed: process.memoryUsage().heapUsed,
      } satisfies OnboardResult);
    }
  })();
});
