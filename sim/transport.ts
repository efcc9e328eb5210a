/**
 * Routes real AWS SDK v3 clients to the simulator. The middleware sits after the SDK's retry
 * middleware and before signing: the SDK's serializer and retry strategy (throttling back-off on
 * the virtual clock) run for real; no credentials or network are used.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { accountOfRole, installClientConfigurer, type ClientConfigurer, type ClientTarget } from '../tasks/lib/aws';
import { installDeployment } from '../tasks/lib/deployment';
import { installHttpTransport } from '../tasks/lib/http';
import { awsError, isAwsError, type AwsErrorShape } from './aws-error';
import type { Simulator } from './simulator';

function serviceOf(clientName: string): string {
  return clientName.replace(/Client$/, '');
}

const CLIENT_PACKAGES: Record<string, string> = {
  EC2: '@aws-sdk/client-ec2', CloudFront: '@aws-sdk/client-cloudfront', Route53: '@aws-sdk/client-route-53', SFN: '@aws-sdk/client-sfn',
  SecretsManager: '@aws-sdk/client-secrets-manager', RAM: '@aws-sdk/client-ram', GlobalAccelerator: '@aws-sdk/client-global-accelerator',
  DynamoDB: '@aws-sdk/client-dynamodb', SNS: '@aws-sdk/client-sns', STS: '@aws-sdk/client-sts',
};

/** Re-raises a simulated error as the client package's own exception class when it has one (e.g. CloudFront PreconditionFailed). */
function asSdkException(service: string, err: AwsErrorShape): Error {
  const pkg = CLIENT_PACKAGES[service];
  if (!pkg) return err;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(pkg) as Record<string, any>;
  const Ctor = mod[err.name];
  const Base = mod[`${service}ServiceException`];
  if (typeof Ctor !== 'function' || !Base || !(Ctor.prototype instanceof Base)) return err;
  const typed = new Ctor({ message: err.message, $metadata: err.$metadata });
  // Keep modelled fields such as CancellationReasons or Item.
  for (const [k, v] of Object.entries(err)) if (!(k in typed) || typed[k] === undefined) typed[k] = v;
  if (err.$retryable) typed.$retryable = err.$retryable;
  return typed;
}

export function simulatorConfigurer(sim: Simulator): ClientConfigurer {
  return {
    config: () => ({
      credentials: { accessKeyId: 'SIMULATED', secretAccessKey: 'SIMULATED' },
    }),
    decorate(client, clientName, target: ClientTarget) {
      const service = serviceOf(clientName);
      client.middlewareStack.addRelativeTo(
        (_next: unknown, context: { commandName?: string; __aws_sdk_context?: { features?: Record<string, string> } }) => async (args: { input: unknown }) => {
          const operation = (context.commandName ?? '').replace(/Command$/, '');
          const account = callerAccount(sim, target);
          let output: Record<string, unknown>;
          try {
            output = (await sim.call({ service, operation, account, region: target.region!, input: args.input })) as Record<string, unknown>;
          } catch (e) {
            throw isAwsError(e) ? asSdkException(service, e) : e;
          }
          // The DocumentClient unmarshalls in the deserialize step, which this short-circuit skips: do it here.
          if (context.__aws_sdk_context?.features?.DDB_MAPPER) output = unmarshallDocumentOutput(output);
          return { response: { statusCode: 200, headers: {} }, output: { ...output, $metadata: { httpStatusCode: 200, requestId: 'sim-request' } } };
        },
        { relation: 'before', toMiddleware: 'httpSigningMiddleware', name: 'byoipSimulatorTransport', override: true },
      );
    },
  };
}

/** The output fields lib-dynamodb unmarshalls for the commands the tasks use. */
function unmarshallDocumentOutput(output: Record<string, any>): Record<string, any> {
  const one = (v: any) => (v ? unmarshall(v) : v);
  const out = { ...output };
  for (const k of ['Item', 'Attributes', 'LastEvaluatedKey']) if (out[k]) out[k] = one(out[k]);
  if (Array.isArray(out.Items)) out.Items = out.Items.map(one);
  if (out.Responses && !Array.isArray(out.Responses)) out.Responses = Object.fromEntries(Object.entries(out.Responses).map(([t, items]) => [t, (items as any[]).map(one)]));
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

let connected: { sim: Simulator; count: number } | undefined;

/**
 * Points every client created by tasks/lib/aws (and tasks/lib/http) at this simulator until the
 * returned function is called. Concurrent runs on the same simulator share the connection.
 */
export function connectSimulator(sim: Simulator): () => void {
  if (connected && connected.sim !== sim) throw new Error('another simulator is connected in this process');
  if (!connected) {
    connected = { sim, count: 0 };
    installClientConfigurer(simulatorConfigurer(sim));
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
