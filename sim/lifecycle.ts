/**
 * Lazy life cycles: a resource is in `state` until `next.at`, then moves to `next.state`
 * (and maybe onwards). Settling on read keeps the model simple and exact on the virtual clock.
 */
import type { ResourceRef } from './resource-ref';
import type { Simulator } from './simulator';

export interface Lifecycle<S extends string = string> {
  state: S;
  /** Epoch ms the current state began. */
  since: number;
  /** Scheduled transitions, in time order. */
  next: Array<{ state: S; at: number }>;
}

export function lifecycle<S extends string>(state: S, now: number): Lifecycle<S> {
  return { state, since: now, next: [] };
}

/** Sets the state now and schedules the following ones (each `after` seconds after the previous). */
export function transition<S extends string>(
  sim: Simulator,
  id: ResourceRef,
  lc: Lifecycle<S>,
  now: number,
  state: S,
  ...then: Array<{ state: S; afterSeconds: number }>
): void {
  if (lc.state !== state) sim.recordTransition(id, lc.state, state, now);
  // A life cycle begun this instant and started in its own state is a creation: the report's lanes start here.
  else if (lc.since === now && lc.next.length === 0) sim.recordTransition(id, undefined, state, now);
  lc.state = state;
  lc.since = now;
  lc.next = [];
  let at = now;
  for (const step of then) {
    at += step.afterSeconds * 1000;
    lc.next.push({ state: step.state, at });
  }
}

/** Applies the scheduled transitions that are due. Returns true if the state changed. */
export function settle<S extends string>(sim: Simulator, id: ResourceRef, lc: Lifecycle<S>, now: number): boolean {
  let changed = false;
  while (lc.next.length > 0 && lc.next[0].at <= now) {
    const step = lc.next.shift()!;
    sim.recordTransition(id, lc.state, step.state, step.at);
    lc.state = step.state;
    lc.since = step.at;
    changed = true;
  }
  return changed;
}

/** The state a life cycle will end in once its scheduled transitions are done (what a written world records). */
export function eventual<S extends string>(lc: Lifecycle<S>): S {
  return lc.next.length ? lc.next[lc.next.length - 1].state : lc.state;
}
