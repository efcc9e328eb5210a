/**
 * Step Functions' callback pattern, simulated: a `.waitForTaskToken` state gets a fresh token and
 * waits until someone calls SendTaskSuccess / SendTaskFailure (through the simulated SFN API),
 * or until its TimeoutSeconds / HeartbeatSeconds pass on the virtual clock.
 */
import { randomBytes } from 'node:crypto';
import { awsError } from './aws-error';

export interface PendingTask {
  readonly token: string;
  readonly stateName: string;
  readonly executionId: string;
  readonly issuedAt: number;
  lastHeartbeat: number;
}

interface Waiter {
  task: PendingTask;
  resolve: (output: unknown) => void;
  reject: (err: Error) => void;
  heartbeatSeconds?: number;
  timeoutTimer?: ReturnType<typeof setTimeout>;
  heartbeatTimer?: ReturnType<typeof setTimeout>;
}

export class TaskTokenBroker {
  private readonly waiters = new Map<string, Waiter>();
  /** Tokens that were settled, timed out or failed: late calls get TaskTimedOut / TaskDoesNotExist like AWS. */
  private readonly closed = new Map<string, 'done' | 'timed-out'>();
  private readonly listeners = new Set<(task: PendingTask) => void>();
  /** Every token handed out, so reports can blank them (a token is a credential, even a simulated one). */
  readonly issued = new Set<string>();

  constructor(private readonly now: () => number) {}

  /** Called whenever a new callback task starts waiting. */
  onIssued(listener: (task: PendingTask) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  issue(stateName: string, executionId: string): PendingTask {
    // Real tokens are long opaque strings; a long one here catches code that puts tokens in URLs.
    const token = `AQB${randomBytes(96).toString('base64url')}`;
    this.issued.add(token);
    return { token, stateName, executionId, issuedAt: this.now(), lastHeartbeat: this.now() };
  }

  /**
   * Waits for the callback. Timeouts are virtual-time timers, so they only fire while the
   * simulation clock is driven and not held.
   */
  wait(task: PendingTask, opts: { timeoutSeconds?: number; heartbeatSeconds?: number }): Promise<unknown> {
    const settled = new Promise((resolve, reject) => {
      const waiter: Waiter = { task, resolve, reject, heartbeatSeconds: opts.heartbeatSeconds };
      this.waiters.set(task.token, waiter);
      if (opts.timeoutSeconds) {
        waiter.timeoutTimer = setTimeout(() => this.timeOut(task.token, 'States.Timeout', 'task timed out'), opts.timeoutSeconds * 1000);
      }
      this.armHeartbeat(waiter);
      for (const l of this.listeners) l(task);
    });
    // An execution that ended (a failed Parallel branch) no longer awaits its other callbacks;
    // failAll's rejection of those must not surface as an unhandled rejection.
    settled.catch(() => undefined);
    return settled;
  }

  pending(): PendingTask[] {
    return [...this.waiters.values()].map((w) => w.task);
  }

  succeed(token: string, output: string): void {
    const w = this.take(token);
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw awsError('InvalidOutput', 'output is not valid JSON');
    }
    w.resolve(parsed);
  }

  fail(token: string, error = 'States.TaskFailed', cause = ''): void {
    const w = this.take(token);
    const err = new Error(cause);
    err.name = error;
    w.reject(err);
  }

  heartbeat(token: string): void {
    const w = this.waiters.get(token);
    if (!w) throw this.closedError(token);
    w.task.lastHeartbeat = this.now();
    this.armHeartbeat(w);
  }

  /** Settles what an ended execution still waits for, so no timer keeps the process alive. */
  failAll(executionId?: string, error = 'States.Aborted'): void {
    for (const [token, w] of [...this.waiters.entries()]) {
      if (executionId === undefined || w.task.executionId === executionId) this.fail(token, error, 'execution ended');
    }
  }

  private armHeartbeat(w: Waiter): void {
    if (!w.heartbeatSeconds) return;
    if (w.heartbeatTimer) clearTimeout(w.heartbeatTimer);
    w.heartbeatTimer = setTimeout(() => this.timeOut(w.task.token, 'States.HeartbeatTimeout', 'no heartbeat'), w.heartbeatSeconds * 1000);
  }

  private timeOut(token: string, error: string, cause: string): void {
    const w = this.waiters.get(token);
    if (!w) return;
    this.waiters.delete(token);
    clearTimeout(w.timeoutTimer);
    clearTimeout(w.heartbeatTimer);
    this.closed.set(token, 'timed-out');
    const err = new Error(cause);
    err.name = error;
    w.reject(err);
  }

  private take(token: string): Waiter {
    const w = this.waiters.get(token);
    if (!w) throw this.closedError(token);
    this.waiters.delete(token);
    clearTimeout(w.timeoutTimer);
    clearTimeout(w.heartbeatTimer);
    this.closed.set(token, 'done');
    return w;
  }

  private closedError(token: string): Error {
    const state = this.closed.get(token);
    if (state === 'timed-out') return awsError('TaskTimedOut', 'the task timed out');
    if (state === 'done') return awsError('TaskDoesNotExist', 'the task was already completed');
    return awsError('InvalidToken', 'invalid task token');
  }
}
