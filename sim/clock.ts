/**
 * One virtual clock for everything in a simulation: the Step Functions engine's Wait/Retry/timeout
 * timers, the AWS SDK's retry back-off, and the simulated resources' life cycles all read it.
 *
 * While `drive()` runs, setTimeout/setInterval/Date are faked (@sinonjs/fake-timers). The driver lets
 * every pending promise settle on the real event loop, then jumps virtual time to the next timer.
 * A `hold()` freezes virtual time while something outside the simulation is awaited (a human
 * clicking an approval link in real time). Math.random is seeded too while it drives: the engine's
 * retry jitter and every back-off draw from it, so a rehearsal repeats exactly (same world, same input,
 * same report) and a test cannot pass or fail by the luck of a jitter draw.
 */
import * as FakeTimers from '@sinonjs/fake-timers';
import { seededRandom } from './random';

type InstalledClock = ReturnType<typeof FakeTimers.install>;

// Captured before any faking, for real-time waits.
const realSetImmediate = globalThis.setImmediate;
const realSetTimeout = globalThis.setTimeout;

function realTurn(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}

/**
 * Real I/O still in flight (the SDK reading ~/.aws/config on a client's first use, a DNS lookup, ...).
 * Virtual time must not jump while it is: the work it belongs to would look stuck for a whole timeout.
 */
const REAL_IO = /^(FSReq\w+|FileHandle|GetAddrInfoReqWrap|TCPConnectWrap|\w+Request)$/;
function realIoPending(sockets = false): boolean {
  return process.getActiveResourcesInfo().some((r) => REAL_IO.test(r) || (sockets && r === 'TCPSocketWrap'));
}

/**
 * Event-loop turns an in-flight handler gets before time moves under it. Its real work (promises,
 * immediates, I/O callbacks) runs within them; real I/O in flight is waited for separately.
 */
const GRACE_TURNS = 20;

export class SimulationStalledError extends Error {
  override name = 'SimulationStalled';
}

export class VirtualClock {
  private fake?: InstalledClock;
  private parkedNow: number;
  private readonly holds = new Set<symbol>();
  /** Task handlers running right now: time only moves under them after a real-time grace. */
  private inFlight = 0;
  private holdChanged?: () => void;
  /** Open sockets count as real I/O in flight (a rehearsal whose clients talk HTTP to `byoip serve`'s endpoint). */
  waitForSockets = false;

  /** What Math.random answers while this clock drives (one sequence for the simulation's whole life). */
  readonly random: () => number;
  private realRandom?: () => number;

  constructor(startMs: number, seed = 0x5eed) {
    this.parkedNow = startMs;
    this.random = seededRandom(seed);
  }

  /** Virtual epoch milliseconds. */
  now(): number {
    return this.fake ? this.fake.now : this.parkedNow;
  }

  nowDate(): Date {
    return new Date(this.now());
  }

  get installed(): boolean {
    return this.fake !== undefined;
  }

  /** Moves virtual time forward outside a drive (e.g. to rehearse "a week later"). */
  advance(ms: number): void {
    if (this.fake) throw new Error('advance() is for a parked clock; inside drive() use sleep()');
    this.parkedNow += ms;
  }

  /** A virtual-time sleep; only meaningful inside drive(). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Freezes virtual time until the returned release function is called. */
  hold(): () => void {
    const token = Symbol('hold');
    this.holds.add(token);
    return () => {
      this.holds.delete(token);
      this.holdChanged?.();
    };
  }

  /**
   * Marks work that runs in real time (a Lambda handler loading modules, reading config). While any
   * is in flight, the clock waits a short real grace before jumping to the next timer, so work that is
   * merely slow isn't mistaken for work waiting on virtual time (which would time it out).
   */
  busy(): () => void {
    this.inFlight++;
    let done = false;
    return () => {
      if (!done) {
        done = true;
        this.inFlight--;
      }
    };
  }

  /** Waits in real time (for holds); unaffected by the fake clock. */
  static realDelay(ms: number): Promise<void> {
    return new Promise((resolve) => realSetTimeout(resolve, ms));
  }

  /**
   * Runs `work` to completion on virtual time. Concurrent drives share the one clock and one loop:
   * the loop keeps advancing time while any driven work is pending.
   */
  async drive<T>(work: () => Promise<T>): Promise<T> {
    const starting = this.fake === undefined;
    if (starting) {
      this.fake = FakeTimers.install({
        now: this.parkedNow,
        toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
        loopLimit: 1_000_000,
        // The SDK's HTTP handler may clear a timer it set before the clock was faked (rehearsals over HTTP).
        shouldClearNativeTimers: true,
      });
      this.realRandom = Math.random;
      Math.random = this.random;
    }
    const promise = work();
    const tracked: Promise<void> = promise
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        this.pending.delete(tracked);
      });
    this.pending.add(tracked);
    if (starting) this.loop = this.runLoop();
    const loop = this.loop!;
    // A stalled loop rejects every drive; otherwise each drive ends with its own work.
    await Promise.race([tracked, loop]);
    // The last drive out waits for the loop to park the clock, so real time is back on return.
    if (this.pending.size === 0) await loop;
    return promise;
  }

  private readonly pending = new Set<Promise<void>>();
  private loop?: Promise<void>;

  private async runLoop(): Promise<void> {
    const fake = this.fake!;
    try {
      let idleTurns = 0;
      while (this.pending.size > 0) {
        // Let every microtask and immediate settle before time moves.
        await realTurn();
        await realTurn();
        if (this.pending.size === 0) break;
        if (this.holds.size > 0) {
          await new Promise<void>((resolve) => {
            this.holdChanged = resolve;
            realSetTimeout(resolve, 50); // wake anyway, so settled work ends the loop
          });
          this.holdChanged = undefined;
          continue;
        }
        if (fake.countTimers() === 0) {
          if (++idleTurns > 50) {
            throw new SimulationStalledError('simulation stalled: work is pending but no timer or hold can advance it');
          }
          await VirtualClock.realDelay(1);
          continue;
        }
        idleTurns = 0;
        for (let i = 0; i < 1000 && realIoPending(this.waitForSockets); i++) await VirtualClock.realDelay(1);
        if (this.inFlight > 0) {
          // A handler is running: give it a few turns of the real event loop to finish what isn't virtual.
          // If it is still running afterwards (and no real I/O is in flight), it waits on virtual time: advance.
          const timers = fake.countTimers();
          let waited = 0;
          while (waited < GRACE_TURNS && this.inFlight > 0 && fake.countTimers() === timers) {
            if (realIoPending(this.waitForSockets)) await VirtualClock.realDelay(1);
            else await realTurn();
            waited++;
          }
          if (fake.countTimers() !== timers || this.pending.size === 0) continue; // something moved: look again
        }
        if (this.pending.size === 0) break;
        fake.next();
      }
    } catch (e) {
      this.pending.clear(); // the stalled work can never finish; don't carry it into the next drive
      throw e;
    } finally {
      this.parkedNow = fake.now;
      fake.uninstall();
      if (this.realRandom) Math.random = this.realRandom;
      this.realRandom = undefined;
      this.fake = undefined;
      this.loop = undefined;
    }
  }
}
