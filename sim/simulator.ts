/**
 * The simulated AWS: service models with their resources' life cycles on the virtual clock,
 * reached through the real SDK clients (see transport.ts). Every call is logged for the report.
 */
import { CidrError } from '../domain/cidr';
import { cloneData } from './clone';
import type { ConformanceLog } from './conformance';
import { operationModel } from './sdk-model';
import type { HttpRequest, HttpResponse } from '../platform/http';
import { awsError, isAwsError, isNetworkError, isThrottlingName } from './aws-error';
import { VirtualClock } from './clock';
import { FaultInjector } from './faults';
import { TaskTokenBroker } from './task-tokens';
import type { BucketSpec, Timings, WorldSeed } from './world';
import type { ResourceRef } from './resource-ref';

export interface AwsCallRecord {
  /** Virtual epoch ms. */
  readonly at: number;
  /** Which execution and state made the call (set by the runner), when known. */
  readonly execution?: string;
  readonly state?: string;
  /** The task function making the call (set by the runner): whose IAM role AWS would evaluate. */
  readonly task?: string;
  /** Effects the model noted (e.g. "dns-values-changed"), for reports and safety checks. */
  effects?: string[];
  readonly account: string;
  readonly region: string;
  readonly service: string;
  readonly operation: string;
  readonly input: unknown;
  error?: { name: string; message: string; injected?: boolean };
}

/** Which execution, state and task function is calling (see Simulator.attribution). */
export interface Attribution {
  execution?: string;
  state?: string;
  task?: string;
}

export interface OpContext<S> {
  readonly sim: Simulator;
  /** The service and operation being answered (e.g. "EC2", "DescribeIpams"). */
  readonly service: string;
  readonly operation: string;
  readonly state: S;
  readonly account: string;
  readonly region: string;
  /** Virtual epoch ms at the time of the call. */
  readonly now: number;
  readonly timings: Timings;
  /** Notes an effect of this call on its record (see AwsCallRecord.effects). */
  note(effect: string): void;
  /**
   * A required request member (the SDK types them `T | undefined`): its value, or the error the
   * service answers for a request without it (MISSING_MEMBER).
   */
  required<T>(value: T | undefined | null, member: string): T;
}

/**
 * An operation as the simulator dispatches it (by name, with the request it was sent). Models type
 * theirs from the SDK's commands: SdkOperations in sdk-operations.ts.
 */
export type Operation<S> = (ctx: OpContext<S>, input: any) => unknown;

/** A model's operations by name (operations a model does not answer are absent or undefined). */
export type OperationTable<S> = { readonly [operation: string]: Operation<S> | undefined };

/**
 * One service model: a slice of state seeded from the world, and the operations it answers.
 * Several models may serve one service (EC2 = IPAM + BYOIP + ...); each owns its state slice.
 * `Ops` types the operations (SdkServiceModel: from the service's SDK client package).
 */
export interface ServiceModel<S = unknown, Ops extends OperationTable<S> = OperationTable<S>> {
  /** State key, e.g. "ec2.ipam". */
  readonly key: string;
  /** SDK service name as in the client class: EC2, CloudFront, Route53, SFN, ... */
  readonly service: string;
  seed(world: WorldSeed, sim: Simulator): S;
  readonly operations: Ops;
  /** Applies time-driven transitions up to `now` (lazy life cycles). */
  settle?(state: S, now: number, sim: Simulator): void;
  /** JSON view for the report's `resources`. Defaults to the state itself. */
  snapshot?(state: S, sim: Simulator): unknown;
  /**
   * The state as world-file sections (e.g. {cloudfront: {...}}), for --world-out and chained
   * rehearsals (sim/world-out.ts). Work in flight is written as it will end, and `note` says so.
   */
  toWorld?(state: S, sim: Simulator, note: (text: string) => void): Record<string, unknown>;
}

/** A simulated web host (an edge serving customer domains, ip-ranges.amazonaws.com, ...). */
export interface SimHttpHost {
  /** Does this host answer for the request (by URL host, Host header or connectTo address)? */
  matches(req: HttpRequest): boolean;
  handle(req: HttpRequest, sim: Simulator): HttpResponse | Promise<HttpResponse>;
}

/** A state transition of a simulated resource, kept for reports and lower-bound analysis. */
export interface ResourceTransition {
  readonly at: number;
  readonly resource: string;
  /** How requests name the resource (ResourceRef.keys). */
  readonly keys: ReadonlyArray<ReadonlyArray<string>>;
  readonly from: string | undefined;
  readonly to: string;
}

const MUTATING_PREFIXES = [
  'Create',
  'Delete',
  'Update',
  'Modify',
  'Provision',
  'Deprovision',
  'Advertise',
  'Withdraw',
  'Associate',
  'Disassociate',
  'Authorize',
  'Revoke',
  'Accept',
  'Reject',
  'Change',
  'Put',
  'Send',
  'Start',
  'Stop',
  'Publish',
  'Allocate',
  'Release',
  'Tag',
  'Untag',
  // DynamoDB's writes that start otherwise: a lost transaction response must be swept like any other write's.
  'TransactWrite',
  'BatchWrite',
];

export function isMutating(operation: string): boolean {
  return MUTATING_PREFIXES.some((p) => operation.startsWith(p));
}

const THROTTLE_ERROR: Record<string, string> = { EC2: 'RequestLimitExceeded', CloudFront: 'Throttling', Route53: 'Throttling' };

/** The error each service answers for a malformed parameter value (the name its model declares). */
const INVALID_INPUT: Record<string, string> = {
  EC2: 'InvalidParameterValue',
  GlobalAccelerator: 'InvalidArgumentException',
  CloudFront: 'InvalidArgument',
  Route53: 'InvalidInput',
  RAM: 'InvalidParameterException',
  DynamoDB: 'ValidationException',
  SFN: 'ValidationException',
};

/** The error each service answers for a request that lacks a required member (the name its model declares, or the protocol's common one). */
const MISSING_MEMBER: Record<string, string> = {
  EC2: 'MissingParameter',
  GlobalAccelerator: 'InvalidArgumentException',
  CloudFront: 'InvalidArgument',
  Route53: 'InvalidInput',
  RAM: 'MissingRequiredParameterException',
  SNS: 'InvalidParameterException',
  CloudFormation: 'ValidationError',
  STS: 'ValidationError',
};

/** What an operation answers for a missing required member (see OpContext.required). */
export function requiredMember<T>(service: string, value: T | undefined | null, member: string): T {
  if (value === undefined || value === null)
    throw awsError(MISSING_MEMBER[service] ?? 'ValidationException', `The request must contain the parameter ${member}`);
  return value;
}

/** How long a token is remembered, where AWS documents a limit (DynamoDB transactions: 10 minutes). */
const IDEMPOTENCY_WINDOW_MS: Record<string, number> = { DynamoDB: 10 * 60_000 };
/** What a token reused for another request is answered with (the name each service's model declares). */
const IDEMPOTENCY_MISMATCH: Record<string, string> = {
  EC2: 'IdempotentParameterMismatch',
  DynamoDB: 'IdempotentParameterMismatchException',
  RAM: 'IdempotentParameterMismatchException',
  GlobalAccelerator: 'InvalidArgumentException',
};

/** Fault "error" that makes a call answer an empty response instead of failing (sim/faults.ts). */
export const GARBAGE = 'Garbage';

/** Marks a garbage answer, which breaks the model on purpose (the conformance check leaves it alone). */
export const GARBAGE_ANSWER = Symbol('garbage answer');
const garbage = () => Object.defineProperty({}, GARBAGE_ANSWER, { value: true });

/** The error name a service throttles with. */
export function throttlingErrorFor(service: string): string {
  return THROTTLE_ERROR[service] ?? 'ThrottlingException';
}

interface BucketState {
  tokens: number;
  at: number;
}

export class Simulator {
  readonly clock: VirtualClock;
  readonly faults = new FaultInjector();
  /** Every task failure (as Lambda would report it), for sweeps that tell handled failures from crashes. */
  readonly taskErrors: Array<{ at: number; task: string; errorType: string; message: string }> = [];
  /** Every task invocation (as Lambda would bill it): which function, and its handler's real run time in ms. */
  readonly taskRuns: Array<{ task: string; ms: number }> = [];
  readonly calls: AwsCallRecord[] = [];
  readonly transitions: ResourceTransition[] = [];
  readonly taskTokens: TaskTokenBroker;
  readonly startedAt: number;
  private readonly models = new Map<string, ServiceModel<any>>();
  private readonly states = new Map<string, unknown>();
  private readonly ops = new Map<string, { model: ServiceModel<any>; op: Operation<any> }>();
  /** Every operation the simulator models (what a --fault may name). */
  get operations(): Array<{ service: string; operation: string }> {
    return [...this.ops.keys()].map((k) => {
      const [service, operation] = k.split(':');
      return { service, operation };
    });
  }
  private readonly buckets = new Map<string, BucketState>();
  private idCounter = 0;
  private readonly httpHosts: SimHttpHost[] = [];
  /** Tells which execution/state is calling (the runner installs it; see runner/local-runner.ts). */
  attribution?: () => Attribution | undefined;
  /** When set, every call's input, output and error is checked against the SDK's models (sim/conformance.ts). */
  conformance?: ConformanceLog;
  /** Every HTTP request tasks made, like `calls` for the AWS APIs. */
  readonly httpRequests: Array<{ at: number; method: string; url: string; host?: string; status: number }> = [];

  constructor(
    readonly world: WorldSeed,
    models: ServiceModel<any>[],
  ) {
    this.startedAt = Date.parse(world.startTime);
    this.clock = new VirtualClock(this.startedAt);
    this.idCounter = world.idSequence ?? 0;
    this.taskTokens = new TaskTokenBroker(() => this.clock.now());
    for (const m of models) this.addModel(m);
  }

  addModel<S>(model: ServiceModel<S, OperationTable<S>>): void {
    if (this.models.has(model.key)) throw new Error(`duplicate service model ${model.key}`);
    this.models.set(model.key, model);
    this.states.set(model.key, model.seed(this.world, this));
    for (const [name, op] of Object.entries(model.operations)) {
      if (!op) continue;
      const key = `${model.service}:${name}`;
      if (this.ops.has(key)) throw new Error(`operation ${key} is served by two models`);
      this.ops.set(key, { model, op });
    }
  }

  /** A model's state, settled to now. */
  state<S>(key: string): S {
    const model = this.models.get(key);
    if (!model) throw new Error(`no service model ${key}`);
    const state = this.states.get(key) as S;
    model.settle?.(state, this.clock.now(), this);
    return state;
  }

  account(id: string) {
    return this.world.accounts.find((a) => a.id === id);
  }

  quota(account: string, name: string, awsDefault: number): number {
    return this.account(account)?.quotas[name] ?? awsDefault;
  }

  /** Deterministic ids in AWS's shapes (e.g. ipam-pool-0a1b2c...). */
  nextId(prefix: string, hexLength = 17): string {
    this.idCounter++;
    const hex = `${this.idCounter.toString(16)}sim`.padStart(hexLength, '0').slice(-hexLength);
    return `${prefix}${hex}`;
  }

  recordTransition(ref: ResourceRef, from: string | undefined, to: string, at: number): void {
    const last = this.transitions[this.transitions.length - 1];
    if (last && last.resource === ref.name && last.at === at && last.from === from && last.to === to) return; // recorded twice by one call
    this.transitions.push({ at, resource: ref.name, keys: ref.keys, from, to });
  }

  /** Seconds of virtual time since the simulation started. */
  elapsedSeconds(at = this.clock.now()): number {
    return (at - this.startedAt) / 1000;
  }

  /**
   * Handles one API call as AWS would: faults, throttling, then the model's operation.
   * Inputs and outputs are deep-copied so callers can never alias the simulated state.
   */
  async call(req: {
    service: string;
    operation: string;
    account: string;
    region: string;
    input: unknown;
    idempotencyToken?: string;
    who?: Attribution;
  }): Promise<unknown> {
    const now = this.clock.now();
    const input = cloneData(req.input ?? {});
    const who = req.who ?? this.attribution?.();
    const record: AwsCallRecord = {
      at: now,
      execution: who?.execution,
      state: who?.state,
      ...(who?.task ? { task: who.task } : {}),
      account: req.account,
      region: req.region,
      service: req.service,
      operation: req.operation,
      input,
    };
    this.calls.push(record);
    const entry = this.ops.get(`${req.service}:${req.operation}`);
    try {
      if (!entry) {
        throw awsError('UnsupportedOperation', `the simulator does not model ${req.service} ${req.operation}`);
      }
      const before = this.faults.take(req.service, req.operation, req.account, 'before', who?.state);
      // "Garbage": AWS answers 200 with an empty body (missing fields, an empty page), doing nothing.
      if (before?.error === GARBAGE) {
        (record.effects ??= []).push('garbage-response');
        return garbage();
      }
      if (before) throw this.injected(before.error, before.message, req.operation);
      this.throttle(req.service, req.operation, req.account, req.region, now);
      const state = this.state(entry.model.key);
      const note = (effect: string) => {
        (record.effects ??= []).push(effect);
      };
      const token = req.idempotencyToken ? this.idempotent(req, input, now) : undefined;
      let output: unknown;
      if (token?.first) {
        // A repeated request (e.g. the SDK retrying after a lost response): AWS answers the first result again.
        note('idempotent-repeat');
        output = token.first;
      } else {
        const required = <T>(value: T | undefined | null, member: string): T => requiredMember(req.service, value, member);
        output = await entry.op(
          {
            sim: this,
            service: req.service,
            operation: req.operation,
            state,
            account: req.account,
            region: req.region,
            now,
            timings: this.world.timings,
            note,
            required,
          },
          input,
        );
        if (token) this.idempotencyTokens.set(token.key, { at: now, input: token.request, output: cloneData(output ?? {}) });
      }
      const after = this.faults.take(req.service, req.operation, req.account, 'after', who?.state);
      if (after) throw this.injected(after.error, after.message, req.operation);
      return cloneData(output ?? {});
    } catch (e) {
      if (isNetworkError(e)) {
        record.error = { name: (e as { code: string }).code, message: (e as Error).message };
        throw e;
      }
      const err = isAwsError(e)
        ? e
        : // A malformed CIDR or address in the request: the service's own "invalid parameter" answer.
          e instanceof CidrError
          ? awsError(INVALID_INPUT[req.service] ?? 'ValidationException', e.message)
          : awsError('InternalError', `simulator bug in ${req.service} ${req.operation}: ${(e as Error).stack}`);
      record.error = { name: err.name, message: err.message, injected: (err as { injected?: boolean }).injected || undefined };
      throw err;
    }
  }

  /** Results of requests that carried an idempotency token (ClientToken, ClientRequestToken, IdempotencyToken). */
  private readonly idempotencyTokens = new Map<string, { at: number; input: string; output: unknown }>();

  /** The first result for this token, or where to keep it; another request under the same token is refused. */
  private idempotent(req: { service: string; operation: string; account: string; region: string; idempotencyToken?: string }, input: unknown, now: number) {
    const key = `${req.account}/${req.region}/${req.service}:${req.operation}/${req.idempotencyToken}`;
    // The request without its token (the SDK fills it when the caller gives none).
    const member = operationModel(req.service, req.operation)?.idempotencyToken;
    const request = JSON.stringify(input, (k, v) => (k === member ? undefined : v));
    const seen = this.idempotencyTokens.get(key);
    const ttl = IDEMPOTENCY_WINDOW_MS[req.service];
    if (!seen || (ttl !== undefined && now - seen.at > ttl)) return { key, request };
    if (seen.input !== request) {
      throw awsError(
        IDEMPOTENCY_MISMATCH[req.service] ?? 'IdempotentParameterMismatch',
        `The client token ${req.idempotencyToken} was already used for a different ${req.operation} request`,
      );
    }
    return { key, request, first: cloneData(seen.output) };
  }

  private injected(name: string, message: string | undefined, operation: string) {
    const err = awsError(name, message ?? `injected fault: ${operation} failed with ${name}`);
    (err as { injected?: boolean }).injected = true;
    return err;
  }

  private throttle(service: string, operation: string, account: string, region: string, now: number): void {
    const cfg = this.world.throttling;
    const spec = cfg.enabled ? cfg.buckets[service] : undefined;
    if (!spec) return;
    const kind = isMutating(operation) ? 'mutating' : 'nonMutating';
    const b: BucketSpec = spec[kind];
    const key = `${account}/${region}/${service}/${kind}`;
    const state = this.buckets.get(key) ?? { tokens: b.capacity, at: now };
    state.tokens = Math.min(b.capacity, state.tokens + ((now - state.at) / 1000) * b.refillPerSecond);
    state.at = now;
    this.buckets.set(key, state);
    if (state.tokens < 1) {
      const name = throttlingErrorFor(service);
      if (!isThrottlingName(name)) throw new Error(`${name} is not a throttling error name`);
      throw awsError(name, `Rate exceeded (${service} ${kind} request rate)`);
    }
    state.tokens -= 1;
  }

  addHttpHost(host: SimHttpHost): void {
    this.httpHosts.push(host);
  }

  /** Serves a task's HTTP request from a simulated host; unknown hosts fail like an unreachable network. */
  async http(req: HttpRequest): Promise<HttpResponse> {
    const host = this.httpHosts.find((h) => h.matches(req));
    if (!host) {
      this.httpRequests.push({ at: this.clock.now(), method: req.method ?? 'GET', url: req.url, host: req.headers?.host, status: 0 });
      const err = new Error(`getaddrinfo ENOTFOUND ${new URL(req.url).hostname} (no simulated host answers for it)`);
      (err as { code?: string }).code = 'ENOTFOUND';
      throw err;
    }
    const res = await host.handle(req, this);
    this.httpRequests.push({ at: this.clock.now(), method: req.method ?? 'GET', url: req.url, host: req.headers?.host, status: res.status });
    return res;
  }

  /** Where generated ids continue (a written world keeps it, so a continued rehearsal never reuses an id). */
  get idSequence(): number {
    return this.idCounter;
  }

  /** Every model's state as world-file sections (sim/world-out.ts assembles the whole file). */
  worldSections(note: (text: string) => void): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, model] of this.models) if (model.toWorld) Object.assign(out, JSON.parse(JSON.stringify(model.toWorld(this.state(key), this, note))));
    return out;
  }

  /** The world at this moment, as JSON (the report's `resources`). */
  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, model] of this.models) {
      const state = this.state(key);
      out[key] = JSON.parse(JSON.stringify(model.snapshot ? model.snapshot(state, this) : state));
    }
    return out;
  }
}
