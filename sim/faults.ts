/**
 * Fault injection: "make operation X fail with error E, N times or always".
 * CLI form: `[State/][Service:]Operation=ErrorName[xN][@after]`: with `State/`, only that state's calls
 * (e.g. `CutoverDns/ChangeResourceRecordSets=InvalidChangeBatchx99`, a failure after the point of no return).
 * `@after` applies the call's effect first and then fails, like a response lost on the way back,
 * which is what exercises idempotency. The error name `Garbage` answers an empty response instead
 * (missing fields, empty pages), which handlers must treat as a failure, not crash on.
 */
import { nearestNames } from '../domain/names';

export interface FaultRule {
  /** Only calls made by this state of the workflow (a Task state's name). */
  readonly state?: string;
  readonly service?: string;
  readonly operation: string;
  readonly error: string;
  /** How many calls fail; undefined = always. */
  times?: number;
  readonly phase: 'before' | 'after';
  readonly message?: string;
  /** Only calls from this account. */
  readonly account?: string;
  /** Let this many matching calls through first (to fail the n-th call of an operation). */
  skip?: number;
}

const FAULT_RE = /^(?:([A-Za-z0-9]+)\/)?(?:([A-Za-z0-9]+):)?([A-Za-z0-9]+)=([A-Za-z][A-Za-z0-9.]*?)(?:x(\d+))?(@after|@before)?$/;

export function parseFault(text: string): FaultRule {
  const m = FAULT_RE.exec(text.trim());
  if (!m) {
    throw new Error(`bad --fault "${text}": expected [State/][Service:]Operation=ErrorName[xN][@after], e.g. AdvertiseByoipCidr=RequestLimitExceededx3`);
  }
  const [, state, service, operation, error, times, phase] = m;
  return {
    ...(state ? { state } : {}),
    service,
    operation,
    error,
    times: times === undefined ? undefined : Number(times),
    phase: phase === '@after' ? 'after' : 'before',
  };
}

export class FaultInjector {
  private readonly rules: FaultRule[] = [];

  add(rule: FaultRule | string): void {
    this.rules.push(typeof rule === 'string' ? parseFault(rule) : { ...rule });
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** The rule that fires for this call (consuming one use), if any. */
  take(service: string, operation: string, account: string, phase: 'before' | 'after', state?: string): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.operation !== operation || rule.phase !== phase) continue;
      if (rule.state && rule.state !== state) continue;
      if (rule.service && rule.service !== service) continue;
      if (rule.account && rule.account !== account) continue;
      if (rule.skip) {
        rule.skip--;
        continue;
      }
      if (rule.times !== undefined) {
        if (rule.times <= 0) continue;
        rule.times--;
      }
      return rule;
    }
    return undefined;
  }

  get active(): readonly FaultRule[] {
    return this.rules;
  }
}

/**
 * Refuses a fault that could never fire: an operation the simulator does not model, or a state the
 * workflow does not have (a typo would otherwise rehearse a clean run), naming the closest valid ones.
 */
export function checkFault(rule: FaultRule, o: { operations: ReadonlyArray<{ service: string; operation: string }>; states?: readonly string[] }): void {
  const ops = o.operations.filter((x) => !rule.service || x.service === rule.service);
  if (rule.service && ops.length === 0) {
    const services = [...new Set(o.operations.map((x) => x.service))].sort();
    throw new Error(
      `--fault: the simulator has no service "${rule.service}"; closest: ${nearestNames(rule.service, services).join(', ')} (valid: ${services.join(', ')})`,
    );
  }
  if (!ops.some((x) => x.operation === rule.operation)) {
    const names = [...new Set(ops.map((x) => x.operation))].sort();
    throw new Error(
      `--fault: ${rule.service ? `${rule.service} has` : 'the simulator models'} no operation "${rule.operation}"; closest: ${nearestNames(rule.operation, names).join(', ')}`,
    );
  }
  if (rule.state && o.states && !o.states.includes(rule.state)) {
    throw new Error(
      `--fault: the workflow has no state "${rule.state}"; closest: ${nearestNames(rule.state, o.states).join(', ')} (every state is in its asl/<workflow>.asl.json)`,
    );
  }
}
