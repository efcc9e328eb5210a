/**
 * Holds the simulator to the SDK's own models (sdk-model.ts): every input a task sends and every output
 * and error the simulator answers is checked against the operation's shapes and declared errors.
 * Switched on per simulator (`sim.conformance = new ConformanceLog()`); the conformance test runs every
 * rehearsal scenario with it and expects no findings.
 */
import { clientModule, operationModel, shapeProblems } from './sdk-model';

export interface ConformanceFinding {
  readonly service: string;
  readonly operation: string;
  readonly kind: 'input' | 'output' | 'error' | 'model';
  readonly problem: string;
}

/** Errors every service of that protocol may answer (the services' "Common errors" pages). */
const COMMON_ERRORS = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'IncompleteSignature',
  'InternalFailure',
  'InternalError',
  'InvalidAction',
  'InvalidClientTokenId',
  'InvalidParameterCombination',
  'InvalidParameterValue',
  'InvalidQueryParameter',
  'MalformedQueryString',
  'MissingAction',
  'MissingAuthenticationToken',
  'MissingParameter',
  'NotAuthorized',
  'OptInRequired',
  'RequestExpired',
  'RequestTimeout',
  'ServiceUnavailable',
  'ThrottlingException',
  'Throttling',
  'ValidationError',
  'ValidationException',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
]);

/**
 * EC2 models no errors; these are the codes of "Error codes for the Amazon EC2 API"
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html) that the simulator answers.
 */
export const EC2_ERROR_CODES = new Set([
  'AuthFailure',
  'UnauthorizedOperation',
  'DryRunOperation',
  'IdempotentParameterMismatch',
  'InvalidPaginationToken',
  'RequestLimitExceeded',
  'InvalidParameter',
  'InvalidParameterValue',
  'InvalidParameterCombination',
  'MissingParameter',
  'IncorrectState',
  'DependencyViolation',
  'OperationNotPermitted',
  'ResourceLimitExceeded',
  'InvalidByoipCidr.NotFound',
  'InvalidIpamId.NotFound',
  'InvalidIpamPoolId.NotFound',
  'InvalidIpamScopeId.NotFound',
  'InvalidIpamPool.HasCidrs',
  'InvalidGroup.Duplicate',
  'InvalidGroup.NotFound',
  'InvalidPermission.Duplicate',
  'InvalidPermission.NotFound',
  'InvalidSecurityGroupRuleId.NotFound',
  'InvalidNetworkInterfaceID.NotFound',
  'InvalidVpcID.NotFound',
  'InvalidPrefixListID.NotFound',
  'InvalidPrefixListModification',
  'PrefixListVersionMismatch',
  'PrefixListLimitExceeded',
  'RulesPerSecurityGroupLimitExceeded',
  'SecurityGroupLimitExceeded',
  'SecurityGroupsPerInterfaceLimitExceeded',
  'InternalError',
  'Unavailable',
]);

export interface OperationTally {
  calls: number;
  inputOk: boolean;
  outputOk: boolean;
  errorsOk: boolean;
  errors: number;
}

export class ConformanceLog {
  readonly findings: ConformanceFinding[] = [];
  /** Per "Service:Operation": how often it was called and which checks it passed. */
  readonly operations = new Map<string, OperationTally>();
  private readonly seen = new Set<string>();

  private tally(service: string, operation: string): OperationTally {
    const key = `${service}:${operation}`;
    let t = this.operations.get(key);
    if (!t) this.operations.set(key, (t = { calls: 0, inputOk: true, outputOk: true, errorsOk: true, errors: 0 }));
    return t;
  }

  private add(f: ConformanceFinding): void {
    // One finding per member, not per list element.
    f = { ...f, problem: f.problem.replace(/\[\d+\]/g, '[]') };
    const key = `${f.service}:${f.operation}:${f.kind}:${f.problem}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.findings.push(f);
  }

  input(service: string, operation: string, input: unknown): void {
    const t = this.tally(service, operation);
    t.calls++;
    const model = operationModel(service, operation);
    if (!model) {
      t.inputOk = t.outputOk = false;
      return this.add({ service, operation, kind: 'model', problem: 'the SDK has no such operation' });
    }
    for (const problem of shapeProblems(service, model.input, input)) {
      t.inputOk = false;
      this.add({ service, operation, kind: 'input', problem });
    }
  }

  output(service: string, operation: string, output: unknown): void {
    const model = operationModel(service, operation);
    if (!model) return;
    for (const problem of shapeProblems(service, model.output, output)) {
      this.tally(service, operation).outputOk = false;
      this.add({ service, operation, kind: 'output', problem });
    }
  }

  /** An error as the task receives it: `injected` ones are the tester's choice of name, so only their form is checked. */
  error(service: string, operation: string, err: unknown, injected = false): void {
    const t = this.tally(service, operation);
    t.errors++;
    for (const problem of errorProblems(service, operation, err, injected)) {
      t.errorsOk = false;
      this.add({ service, operation, kind: 'error', problem });
    }
  }
}

/** What is wrong with an error the SDK would have raised for this operation. */
export function errorProblems(service: string, operation: string, err: unknown, injected = false): string[] {
  const out: string[] = [];
  const mod = clientModule(service);
  const model = operationModel(service, operation);
  if (!mod || !model) return out;
  const e = err as { name?: string; $fault?: string; $metadata?: { httpStatusCode?: number } };
  const Base = mod[`${service}ServiceException`];
  const name = e?.name ?? '?';
  if (!(err instanceof Base)) out.push(`${name} is not a ${service}ServiceException`);
  if (!injected) {
    const declared = service === 'EC2' ? EC2_ERROR_CODES.has(name) : model.errors.has(name) || COMMON_ERRORS.has(name);
    if (!declared) out.push(`${name} is not an error ${operation} declares${service === 'EC2' ? ' (nor a documented EC2 error code)' : ''}`);
  }
  const schema = mod[`${name}$`];
  if (Array.isArray(schema) && schema[0] === -3) {
    const traits = schema[3] as { error?: string; httpError?: number };
    if (traits.error && e.$fault !== traits.error) out.push(`${name}: $fault ${e.$fault}, the model says ${traits.error}`);
    if (traits.httpError && e.$metadata?.httpStatusCode !== traits.httpError)
      out.push(`${name}: HTTP ${e.$metadata?.httpStatusCode}, the model says ${traits.httpError}`);
  } else if (typeof e.$metadata?.httpStatusCode !== 'number') {
    out.push(`${name}: no HTTP status`);
  }
  return out;
}
