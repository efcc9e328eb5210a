/**
 * The naive baseline the benchmark compares our poll profiles against: every poll loop checks every
 * `seconds` (60 s), however long the awaited change is expected to take.
 *
 * A poll loop, as workflows/lib/builder.ts `poll()` generates it, is four states:
 *   <name>Init (Pass) → <name> (Task: check, Parameters.profile) → <name>Done (Choice) → <name>Wait (Wait) → <name> …
 * The Wait state waits `SecondsPath: <resultPath>.nextDelaySeconds` (computed by the check from the
 * profile, domain/polling.ts) or, for loops that know when to look again, `TimestampPath`. The rewrite
 * makes the Wait state a fixed `Seconds` and pins the profile's interval to the same value
 * (min = max = seconds), keeping its timeout, so the checks' own bookkeeping agrees with the Wait.
 * Nothing else changes: the checks, their timeouts and every other state are the shipped ASL.
 */
type Json = any;

export interface PollLoopRef {
  /** The check task's state name. */
  readonly check: string;
  /** The Wait state's name (<check>Wait). */
  readonly wait: string;
}

/** Every builder-generated poll loop in a state map, nested Map/Parallel states included. */
export function pollLoops(definition: Json): PollLoopRef[] {
  const found: PollLoopRef[] = [];
  visit(definition.States, (_states, name) => found.push({ check: name, wait: `${name}Wait` }));
  return found;
}

function visit(states: Record<string, Json>, onLoop: (states: Record<string, Json>, name: string) => void): void {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Map') visit((state.ItemProcessor ?? state.Iterator).States, onLoop);
    if (state.Type === 'Parallel') for (const branch of state.Branches) visit(branch.States, onLoop);
    // The same test the local runner uses to recognise a poll's check task.
    const isPollCheck =
      state.Type === 'Task' && states[`${name}Init`]?.Type === 'Pass' && states[`${name}Done`]?.Type === 'Choice' && states[`${name}Wait`]?.Type === 'Wait';
    if (isPollCheck) onLoop(states, name);
  }
}

/** A copy of `definition` in which every poll loop waits exactly `seconds` between checks. */
export function naiveDefinition(definition: Json, seconds = 60): Json {
  const copy = JSON.parse(JSON.stringify(definition));
  visit(copy.States, (states, name) => {
    const check = states[name];
    const profile = check.Parameters?.profile;
    if (profile && typeof profile === 'object') {
      check.Parameters.profile = { ...profile, minDelaySeconds: seconds, maxDelaySeconds: seconds };
    }
    const wait = states[`${name}Wait`];
    states[`${name}Wait`] = { Type: 'Wait', ...(wait.Comment ? { Comment: wait.Comment } : {}), Seconds: seconds, Next: wait.Next };
  });
  return copy;
}
