/**
 * Routes real AWS SDK v3 clients to the simulator. The middleware sits after the SDK's retry
 * middleware and before signing: the SDK's serializer and retry strategy (throttling back-off on
 * the virtual clock) run for real; no credentials or network are used.
 */
import { Agent } from 'node:http';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { accountOfRole, installClientConfigurer, type ClientConfigurer, type ClientTarget } from '../platform/aws';
import { installDeployment } from '../platform/deployment';
import { installHttpTransport } from '../platform/http';
import { awsError, isAwsError, type AwsErrorShape } from './aws-error';
import { clientModule, operationModel } from './sdk-model';
import { GARBAGE_ANSWER, type Simulator } from './simulator';

function serviceOf(clientName: string): string {
  return clientName.replace(/Client$/, '');
}

/**
 * A simulated error as the SDK would raise it: an instance of the operation's modelled exception class,
 * or of the service's ServiceException for an unmodelled code (every EC2 error), with the model's
 * `$fault` and HTTP status where it has them.
 */
export function asSdkException(service: string, err: AwsErrorShape): Error {
  const mod = clientModule(service);
  const Base = mod?.[`${service}ServiceException`];
  if (!Base) return err;
  const Ctor = mod![err.name];
  const modelled = typeof Ctor === 'function' && Ctor.prototype instanceof Base;
  const traits = (Array.isArray(mod![`${err.name}$`]) ? mod![`${err.name}$`][3] : {}) as { error?: 'client' | 'server'; httpError?: number };
  const $fault = traits.error ?? err.$fault;
  const $metadata = { ...err.$metadata, httpStatusCode: traits.httpError ?? err.$metadata.httpStatusCode };
  const typed = modelled
    ? new Ctor({ message: err.message, $metadata, Message: err.message })
    : new Base({ name: err.name, $fault, $metadata, message: err.message });
  typed.$fault = $fault;
  // Keep modelled fields such as CancellationReasons or Item.
  for (const [k, v] of Object.entries(err)) if (!(k in typed) || typed[k] === undefined) typed[k] = v;
  typed.$metadata = $metadata;
  if (err.$retryable) typed.$retryable = err.$retryable;
  return typed;
}

const SETTLED_CLIENT_CONFIG = {
  defaultsMode: 'standard',
  retryMode: 'standard',
  authSchemePreference: [],
  useDualstackEndpoint: false,
  useFipsEndpoint: false,
  userAgentAppId: 'byoip-simulator',
  accountIdEndpointMode: 'disabled',
  // AWS_ENDPOINT_URL_* and ~/.aws/config endpoints are for real AWS; the simulator answers every client.
  ignoreConfiguredEndpointUrls: true,
  sigv4aSigningRegionSet: [],
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
  // Never reached: the simulator answers before signing (see the middleware below).
  requestHandler: {
    handle: async () => {
      throw new Error('the simulator answers before the request handler');
    },
  },
};

export function simulatorConfigurer(sim: Simulator): ClientConfigurer {
  return {
    config: (clientName) => ({
      credentials: { accessKeyId: 'SIMULATED', secretAccessKey: 'SIMULATED' },
      // Resolve the middleware once per client (the SDK's option), except DynamoDB's: its document client
      // cannot (aws-sdk-js-v3#7801). Nothing is added to a stack after its first call.
      cacheMiddleware: clientName !== 'DynamoDBClient',
      // Everything the SDK would otherwise look up in the environment and ~/.aws/config for each new
      // client (tasks create clients per invocation; the lookups were a tenth of a rehearsal's time).
      ...SETTLED_CLIENT_CONFIG,
    }),
    decorate(client, clientName, target: ClientTarget) {
      const service = serviceOf(clientName);
      // The User-Agent header goes nowhere in process (a few per cent of a call, building it per request).
      client.middlewareStack.remove('getUserAgentMiddleware');
      client.middlewareStack.addRelativeTo(
        (_next: unknown, context: { commandName?: string; __aws_sdk_context?: { features?: Record<string, string> } }) =>
          async (args: { input: unknown; request?: { body?: unknown } }) => {
            const operation = (context.commandName ?? '').replace(/Command$/, '');
            const account = callerAccount(sim, target);
            const check = sim.conformance;
            check?.input(service, operation, args.input);
            let output: Record<string, unknown>;
            try {
              const idempotencyToken = idempotencyTokenOf(service, operation, args);
              output = (await sim.call({ service, operation, account, region: target.region!, input: args.input, idempotencyToken })) as Record<
                string,
                unknown
              >;
            } catch (e) {
              if (!isAwsError(e)) throw e;
              const typed = asSdkException(service, e);
              check?.error(service, operation, typed, (e as { injected?: boolean }).injected === true);
              throw typed;
            }
            if (!(output as { [GARBAGE_ANSWER]?: boolean })[GARBAGE_ANSWER]) check?.output(service, operation, output);
            // The DocumentClient unmarshalls in the deserialize step, which this short-circuit skips: do it here.
            if (context.__aws_sdk_context?.features?.DDB_MAPPER) output = unmarshallDocumentOutput(output);
            return { response: { statusCode: 200, headers: {} }, output: { ...output, $metadata: { httpStatusCode: 200, requestId: 'sim-request' } } };
          },
        { relation: 'before', toMiddleware: 'httpSigningMiddleware', name: 'byoipSimulatorTransport', override: true },
      );
    },
  };
}

/**
 * The idempotency token the request carries: the caller's, or the one the SDK's serializer filled in
 * (it is in the serialized body, not in the command's input), so a retried request repeats it.
 */
function idempotencyTokenOf(service: string, operation: string, args: { input: unknown; request?: { body?: unknown } }): string | undefined {
  const member = operationModel(service, operation)?.idempotencyToken;
  if (!member) return undefined;
  const given = (args.input as Record<string, unknown> | undefined)?.[member];
  if (typeof given === 'string') return given;
  const raw = args.request?.body;
  if (raw === undefined || raw === null) return undefined;
  const body = raw instanceof Uint8Array ? new TextDecoder().decode(raw) : String(raw);
  if (body.startsWith('{')) return (JSON.parse(body) as Record<string, string | undefined>)[member];
  return new URLSearchParams(body).get(member) ?? undefined;
}

/** The output fields lib-dynamodb unmarshalls for the commands the tasks use. */
function unmarshallDocumentOutput(output: Record<string, any>): Record<string, any> {
  const one = (v: any) => (v ? unmarshall(v) : v);
  const out = { ...output };
  for (const k of ['Item', 'Attributes', 'LastEvaluatedKey']) if (out[k]) out[k] = one(out[k]);
  if (Array.isArray(out.Items)) out.Items = out.Items.map(one);
  if (out.Responses && !Array.isArray(out.Responses))
    out.Responses = Object.fromEntries(Object.entries(out.Responses).map(([t, items]) => [t, (items as any[]).map(one)]));
  return out;
}

/** The account a client acts as: the default one, or the role's account if it may be assumed. */
function callerAccount(sim: Simulator, target: ClientTarget): string {
  if (!target.roleArn) return sim.world.defaultAccount;
  const account = accountOfRole(target.roleArn);
  const roleName = target.roleArn.split('/').pop()!;
  const seeded = sim.account(account);
  if (!seeded?.assumableRoles.includes(roleName)) {
    throw awsError('AccessDenied', `User is not authorized to perform: sts:AssumeRole on resource: ${target.roleArn}`, 403);
  }
  return account;
}

/**
 * Points clients at `byoip serve`'s endpoint instead (sim/http/endpoint.ts): full serialization, signing,
 * HTTP and deserialization, as against AWS. The caller's execution and state travel in a header so the
 * report attributes each call as in-process.
 */
export function httpConfigurer(sim: Simulator, url: string): ClientConfigurer {
  const { requestHandler: _inProcessOnly, ...settled } = SETTLED_CLIENT_CONFIG;
  return {
    config: (_clientName, target) => ({
      ...settled,
      endpoint: url,
      // The access key id names the account (an assumable role's, checked when the call is signed).
      credentials: async () => ({ accessKeyId: callerAccount(sim, target), secretAccessKey: 'SIMULATED' }),
      // One connection per request: the virtual clock waits for sockets in flight, not for idle ones.
      requestHandler: { httpAgent: new Agent({ keepAlive: false }) },
    }),
    decorate(client) {
      (client.middlewareStack as unknown as { add(m: unknown, o: unknown): void }).add(
        (next: (a: unknown) => Promise<unknown>) => async (args: { request?: { headers?: Record<string, string> } }) => {
          const who = sim.attribution?.();
          if (who && args.request?.headers) args.request.headers[ATTRIBUTION_HEADER] = JSON.stringify(who);
          return next(args);
        },
        { step: 'build', name: 'byoipSimulatorAttribution' },
      );
    },
  };
}

/** Carries the calling execution and state to the endpoint (rehearsals over HTTP only). */
export const ATTRIBUTION_HEADER = 'x-byoip-sim-attribution';

let connected: { sim: Simulator; count: number } | undefined;

/**
 * Points every client created by platform/aws (and platform/http) at this simulator until the
 * returned function is called. Concurrent runs on the same simulator share the connection.
 */
export function connectSimulator(sim: Simulator, configurer: ClientConfigurer = simulatorConfigurer(sim)): () => void {
  if (connected && connected.sim !== sim) throw new Error('another simulator is connected in this process');
  if (!connected) {
    connected = { sim, count: 0 };
    installClientConfigurer(configurer);
    installHttpTransport((req) => sim.http(req));
    installDeployment(sim.world.deployment);
  }
  connected.count++;
  let done = false;
  return () => {
    if (done || !connected) return;
    done = true;
    if (--connected.count === 0) {
      connected = undefined;
      installClientConfigurer(undefined);
      installHttpTransport(undefined);
      installDeployment(undefined);
    }
  };
}
