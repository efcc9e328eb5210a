/**
 * Routes real AWS SDK v3 clients to the simulator. The middleware sits after the SDK's retry
 * middleware and before signing: the SDK's serializer and retry strategy (throttling back-off on
 * the virtual clock) run for real; no credentials or network are used.
 */
import { accountOfRole, installClientConfigurer, type ClientConfigurer, type ClientTarget } from '../tasks/lib/aws';
import { awsError } from './aws-error';
import type { Simulator } from './simulator';

function serviceOf(clientName: string): string {
  return clientName.replace(/Client$/, '');
}

export function simulatorConfigurer(sim: Simulator): ClientConfigurer {
  return {
    config: () => ({
      credentials: { accessKeyId: 'SIMULATED', secretAccessKey: 'SIMULATED' },
    }),
    decorate(client, clientName, target: ClientTarget) {
      const service = serviceOf(clientName);
      client.middlewareStack.addRelativeTo(
        (_next: unknown, context: { commandName?: string }) => async (args: { input: unknown }) => {
          const operation = (context.commandName ?? '').replace(/Command$/, '');
          const account = callerAccount(sim, target);
          const output = (await sim.call({ service, operation, account, region: target.region!, input: args.input })) as Record<string, unknown>;
          return { response: { statusCode: 200, headers: {} }, output: { ...output, $metadata: { httpStatusCode: 200, requestId: 'sim-request' } } };
        },
        { relation: 'before', toMiddleware: 'httpSigningMiddleware', name: 'byoipSimulatorTransport', override: true },
      );
    },
  };
}

/** The account a client acts as: the default one, or the role's account if it may be assumed. */
function callerAccount(sim: Simulator, target: ClientTarget): string {
  if (!target.roleArn) return sim.world.defaultAccount;
  const account = accountOfRole(target.roleArn);
  const roleName = target.roleArn.split('/').pop()!;
  const seeded = sim.account(account);
  if (!seeded || !seeded.assumableRoles.includes(roleName)) {
    throw awsError('AccessDenied', `User is not authorized to perform: sts:AssumeRole on resource: ${target.roleArn}`, 403);
  }
  return account;
}

/** Points every client created by tasks/lib/aws at this simulator until the returned function is called. */
export function connectSimulator(sim: Simulator): () => void {
  installClientConfigurer(simulatorConfigurer(sim));
  return () => installClientConfigurer(undefined);
}
