/**
 * Fault injection: "make operation X fail with error E, N times or always".
 * CLI form: `Operation=ErrorName[xN][@after]`, optionally `Service:Operation=...`.
 * `@after` applies the call's effect first and then fails, like a response lost on the way back,
 * which is what exercises idempotency. The error name `Garbage` answers an empty response instead
 * (missing fields, empty pages), which handlers must treat as a failure, not crash on.
 */
export interface FaultRule {
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

const FAULT_RE = /^(?:([A-Za-z0-9]+):)?([A-Za-z0-9]+)=([A-Za-z][A-Za-z0-9.]*?)(?:x(\d+))?(@after|@before)?$/;

export function parseFault(text: string): FaultRule {
  const m = FAULT_RE.exec(text.trim());
  if (!m) {
    throw new Error(`bad --fault "${text}": expected [Service:]Operation=ErrorName[xN][@after], e.g. AdvertiseByoipCidr=RequestLimitExceededx3`);
  }
  const [, service, operation, error, times, phase] = m;
  return {
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
  take(service: string, operation: string, account: string, phase: 'before' | 'after'): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.operation !== operation || rule.phase !== phase) continue;
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
