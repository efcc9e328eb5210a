/**
 * The seeded world a simulation starts from: accounts, the customer's registry records (RDAP
 * certificate, ROAs), the IPAM, distributions, hosted zones, ... Each service model reads its own
 * section; this file holds what they share (accounts, timings, throttling) and the loader.
 *
 * Any string of the form "file:relative/path" is replaced by that file's text, relative to the
 * world file, so keys and certificates stay in their own files.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as z from 'zod';
import { DeploymentConfigSchema } from '../domain/deployment';
import { prepareInternetWorld } from './internet/world';

export const AccountSeed = z.object({
  id: z.string().regex(/^\d{12}$/, 'account id must be 12 digits'),
  name: z.string().optional(),
  /** Quotas that differ from AWS's defaults (e.g. anycastIpLists: 1 after the CloudFront request). */
  quotas: z.record(z.string(), z.number().int().nonnegative()).default({}),
  /** Role names other accounts' tasks may assume here (cross-account steps). */
  assumableRoles: z.array(z.string()).default([]),
});
export type AccountSeed = z.infer<typeof AccountSeed>;

/** Durations of AWS's asynchronous work, in seconds. Defaults follow aws-api-facts §9. */
export const TimingsSeed = z.object({
  ipamPoolCreate: z.number().nonnegative().default(20),
  ipamPoolDelete: z.number().nonnegative().default(20),
  /** Top-level BYOIP provisioning: "most within two hours, up to one week". */
  byoipProvision: z.number().nonnegative().default(4 * 3600),
  /** Provisioning a /24 into the global child pool. */
  childPoolProvision: z.number().nonnegative().default(10 * 60),
  poolCidrDeprovision: z.number().nonnegative().default(10 * 60),
  advertise: z.number().nonnegative().default(180),
  withdraw: z.number().nonnegative().default(180),
  anycastListDeploy: z.number().nonnegative().default(600),
  anycastListDelete: z.number().nonnegative().default(300),
  distributionDeploy: z.number().nonnegative().default(300),
  /** Route 53 change PENDING → INSYNC. */
  dnsInsync: z.number().nonnegative().default(45),
}).catchall(z.number().nonnegative());
export type Timings = z.infer<typeof TimingsSeed>;

const Bucket = z.object({ capacity: z.number().positive(), refillPerSecond: z.number().positive() });
export type BucketSpec = z.infer<typeof Bucket>;

/** Token buckets per account, region and service (AWS's request-rate throttling). */
export const ThrottlingSeed = z.object({
  enabled: z.boolean().default(true),
  buckets: z.record(z.string(), z.object({ mutating: Bucket, nonMutating: Bucket })).default({
    EC2: { mutating: { capacity: 50, refillPerSecond: 5 }, nonMutating: { capacity: 100, refillPerSecond: 20 } },
    CloudFront: { mutating: { capacity: 20, refillPerSecond: 2 }, nonMutating: { capacity: 50, refillPerSecond: 10 } },
    Route53: { mutating: { capacity: 5, refillPerSecond: 5 }, nonMutating: { capacity: 20, refillPerSecond: 5 } },
  }),
});

export const WorldSeed = z.object({
  description: z.string().optional(),
  /** Virtual time at which the simulation starts. */
  startTime: z.iso.datetime({ offset: true }).default('2026-12-01T08:00:00Z'),
  defaultRegion: z.string().default('us-east-1'),
  /** The account tasks run in unless they assume a role elsewhere (the IPAM/networking account). */
  defaultAccount: z.string().regex(/^\d{12}$/),
  accounts: z.array(AccountSeed).min(1),
  timings: TimingsSeed.default(TimingsSeed.parse({})),
  throttling: ThrottlingSeed.default(ThrottlingSeed.parse({})),
  /** The orchestrator's deployment configuration in this account (the "byoip" CDK context, domain/deployment.ts). */
  deployment: DeploymentConfigSchema.default(DeploymentConfigSchema.parse({})),
}).catchall(z.unknown());
export type WorldSeed = z.infer<typeof WorldSeed>;

function inlineFiles(value: unknown, baseDir: string): unknown {
  if (typeof value === 'string' && value.startsWith('file:')) {
    return readFileSync(resolve(baseDir, value.slice(5)), 'utf8');
  }
  if (Array.isArray(value)) return value.map((v) => inlineFiles(v, baseDir));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inlineFiles(v, baseDir)]));
  }
  return value;
}

export function parseWorld(raw: unknown, baseDir = process.cwd()): WorldSeed {
  // The internet section is validated first and feeds the registry AWS's provisioning reads (sim/internet/world.ts).
  const result = WorldSeed.safeParse(prepareInternetWorld(inlineFiles(raw, baseDir)));
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  world.${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid world file:\n${lines.join('\n')}`);
  }
  return result.data;
}

export function loadWorldFile(path: string): WorldSeed {
  const raw = JSON.parse(readFileSync(path, 'utf8'));
  return parseWorld(raw, dirname(resolve(path)));
}
