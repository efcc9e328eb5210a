/**
 * The one place tasks, the runner and the CLI get AWS SDK clients. In AWS they are plain clients (with
 * STS role chaining for cross-account steps). The local simulator installs a configurer that routes the
 * same clients to the simulated AWS, so handlers never know which one they talk to.
 */
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';

/** Where a client points: a region, and optionally a role to assume in another account. */
export interface ClientTarget {
  region?: string;
  /** arn:aws:iam::ACCOUNT:role/NAME to assume (cross-account tasks). */
  roleArn?: string;
}

// Structural type of any SDK v3 client we construct: each client's middleware and constructor take their own
// types, so these two are any (a union of every client's would say nothing more).
// biome-ignore lint/suspicious/noExplicitAny: see above
type SdkClient = { middlewareStack: { addRelativeTo: (...args: any[]) => void; remove: (name: string) => boolean }; config: unknown; destroy(): void };
// biome-ignore lint/suspicious/noExplicitAny: see above
type ClientClass<C> = new (config: any) => C;

/** Installed by the simulator: adjusts the config and decorates the client. */
export interface ClientConfigurer {
  config(clientName: string, target: ClientTarget): Record<string, unknown>;
  decorate(client: SdkClient, clientName: string, target: ClientTarget): void;
}

let configurer: ClientConfigurer | undefined;

export function installClientConfigurer(c: ClientConfigurer | undefined): void {
  configurer = c;
  for (const byTarget of clients.values()) for (const c of byTarget.values()) c.destroy();
  clients = new Map();
}

export function defaultRegion(): string {
  return process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

/**
 * One client per class, Region and role, kept for the life of the process (of a warm Lambda environment,
 * as AWS advises): a client resolves its configuration and builds its middleware once, not per call, and
 * a role's temporary credentials are refreshed by their provider. Installing another configurer starts
 * a new set.
 */
let clients = new Map<ClientClass<SdkClient>, Map<string, SdkClient>>();

export function client<C extends SdkClient>(Ctor: ClientClass<C>, target: ClientTarget = {}): C {
  const region = target.region ?? defaultRegion();
  const key = `${region}|${target.roleArn ?? ''}`;
  let byTarget = clients.get(Ctor);
  if (!byTarget) clients.set(Ctor, (byTarget = new Map()));
  const cached = byTarget.get(key);
  if (cached) return cached as C;
  const made = newClient(Ctor, { ...target, region });
  // No SDK logger is configured (the tasks log through Powertools), yet the SDK's logger middleware
  // filters every input and output through the schema for its no-op logger: a few per cent of a call.
  made.middlewareStack.remove('loggerMiddleware');
  byTarget.set(key, made);
  return made;
}

function newClient<C extends SdkClient>(Ctor: ClientClass<C>, resolved: ClientTarget & { region: string }): C {
  const { region } = resolved;
  const base: Record<string, unknown> = { region, maxAttempts: 3 };
  if (configurer) {
    const c = new Ctor({ ...base, ...configurer.config(Ctor.name, resolved) });
    configurer.decorate(c, Ctor.name, resolved);
    return c;
  }
  if (resolved.roleArn) {
    base.credentials = fromTemporaryCredentials({
      params: { RoleArn: resolved.roleArn, RoleSessionName: 'byoip-orchestrator', DurationSeconds: 900 },
      clientConfig: { region },
    });
  }
  return new Ctor(base);
}

/** The account id in a role ARN. */
export function accountOfRole(roleArn: string): string {
  const m = /^arn:aws[a-z-]*:iam::(\d{12}):role\/.+$/.exec(roleArn);
  if (!m) throw new Error(`"${roleArn}" is not an IAM role ARN`);
  return m[1];
}
