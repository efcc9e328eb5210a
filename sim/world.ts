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
export const TimingsSeed = z
  .object({
    ipamPoolCreate: z.number().nonnegative().default(20),
    ipamPoolDelete: z.number().nonnegative().default(20),
    /** Top-level BYOIP provisioning: "most within two hours, up to one week". */
    byoipProvision: z
      .number()
      .nonnegative()
      .default(4 * 3600),
    /** Provisioning a /24 into the global child pool. */
    childPoolProvision: z
      .number()
      .nonnegative()
      .default(10 * 60),
    poolCidrDeprovision: z
      .number()
      .nonnegative()
      .default(10 * 60),
    advertise: z.number().nonnegative().default(180),
    withdraw: z.number().nonnegative().default(180),
    anycastListDeploy: z.number().nonnegative().default(600),
    anycastListDelete: z.number().nonnegative().default(300),
    distributionDeploy: z.number().nonnegative().default(300),
    /** Route 53 change PENDING → INSYNC. */
    dnsInsync: z.number().nonnegative().default(45),
    // Timings other models read with their own defaults (given here so a misspelt name is refused).
    /** BYOASN provisioning (default 300). */
    byoasnProvision: z.number().nonnegative().optional(),
    /** BYOASN deprovisioning (default 300). */
    byoasnDeprovision: z.number().nonnegative().optional(),
    /** ASN ↔ CIDR association (default 120). */
    asnAssociate: z.number().nonnegative().optional(),
    /** ASN ↔ CIDR disassociation (default 120). */
    asnDisassociate: z.number().nonnegative().optional(),
    /** Global Accelerator BYOIP provisioning (default 86400). */
    gaByoipProvision: z.number().nonnegative().optional(),
    /** Global Accelerator advertise (default 180). */
    gaAdvertise: z.number().nonnegative().optional(),
    /** Global Accelerator withdraw (default 180). */
    gaWithdraw: z.number().nonnegative().optional(),
    /** Global Accelerator deprovision (default 600). */
    gaDeprovision: z.number().nonnegative().optional(),
    /** Accelerator IN_PROGRESS → DEPLOYED after a change (default 120). */
    acceleratorDeploy: z.number().nonnegative().optional(),
    /** Customer-managed prefix list creation (default 5). */
    prefixListCreate: z.number().nonnegative().optional(),
    /** Prefix list modification or deletion (default 5). */
    prefixListModify: z.number().nonnegative().optional(),
    /** RAM association ASSOCIATING → ASSOCIATED (default 5). */
    ramAssociate: z.number().nonnegative().optional(),
    /** RAM invitation validity for CloudFront resources (default 43200; 7 days for others). */
    ramInvitationExpiry: z.number().nonnegative().optional(),
    /** CloudFront VPC origin Deploying → Deployed (default 900). */
    vpcOriginDeploy: z.number().nonnegative().optional(),
    /** Extra deploy time per VPC origin, spread by its id, up to this many seconds (default 0). */
    vpcOriginDeployJitter: z.number().nonnegative().optional(),
    /** CloudFront VPC origin Deleting → gone (default 300). */
    vpcOriginDelete: z.number().nonnegative().optional(),
  })
  .catchall(z.number().nonnegative());
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

/** The fields every world has; sim/world-schema.ts adds each service's section and makes the whole strict. */
export const WorldSeedBase = z.object({
  description: z.string().optional(),
  /** Virtual time at which the simulation starts. */
  startTime: z.iso.datetime({ offset: true }).default('2026-12-01T08:00:00Z'),
  defaultRegion: z.string().default('us-east-1'),
  /** The account tasks run in unless they assume a role elsewhere (the IPAM/networking account). */
  defaultAccount: z.string().regex(/^\d{12}$/),
  accounts: z.array(AccountSeed).min(1),
  timings: TimingsSeed.default(TimingsSeed.parse({})),
  throttling: ThrottlingSeed.default(ThrottlingSeed.parse({})),
  /** The largest page any simulated list answers (e.g. 1, so every multi-page path runs); AWS's own maxima otherwise. */
  paging: z
    .object({ maxPageSize: z.number().int().min(1).optional() })
    .strict()
    .default({}),
  /** The orchestrator's deployment configuration in this account (the "byoip" CDK context, domain/deployment.ts). */
  deployment: DeploymentConfigSchema.default(DeploymentConfigSchema.parse({})),
  /** Where the simulator's generated ids continue (written by --world-out, so a continued rehearsal never reuses an id). */
  idSequence: z.number().int().nonnegative().optional(),
});
export const WorldSeed = WorldSeedBase.catchall(z.unknown());
export type WorldSeed = z.infer<typeof WorldSeed>;

/** The file each inlined "file:" string came from, per parsed world (a written world refers to them again). */
const inlined = new WeakMap<WorldSeed, Map<string, string>>();

/** Contents of the files a world inlined → their absolute paths. */
export function inlinedFiles(world: WorldSeed): ReadonlyMap<string, string> {
  return inlined.get(world) ?? new Map();
}

function inlineFiles(value: unknown, baseDir: string, files: Map<string, string>): unknown {
  if (typeof value === 'string' && value.startsWith('file:')) {
    const path = resolve(baseDir, value.slice(5));
    const text = readFileSync(path, 'utf8');
    files.set(text, path);
    return text;
  }
  if (Array.isArray(value)) return value.map((v) => inlineFiles(v, baseDir, files));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inlineFiles(v, baseDir, files)]));
  }
  return value;
}

/** A check of the whole world before it is parsed: sim/world-schema.ts's worldProblems (unknown fields are errors). */
export type WorldCheck = (world: unknown) => string[];

export function parseWorld(raw: unknown, baseDir = process.cwd(), check?: WorldCheck): WorldSeed {
  const files = new Map<string, string>();
  const world = inlineFiles(raw, baseDir, files);
  const problems = check?.(world) ?? [];
  // The internet section is validated first and feeds the registry AWS's provisioning reads (sim/internet/world.ts).
  const result = WorldSeed.safeParse(prepareInternetWorld(world));
  if (!result.success) problems.push(...result.error.issues.map((i) => `world.${i.path.join('.')}: ${i.message}`));
  if (problems.length) throw new Error(`invalid world file:\n${[...new Set(problems)].map((p) => `  ${p}`).join('\n')}`);
  inlined.set(result.data!, files);
  return result.data!;
}

export function loadWorldFile(path: string, check?: WorldCheck): WorldSeed {
  const raw = JSON.parse(readFileSync(path, 'utf8'));
  return parseWorld(raw, dirname(resolve(path)), check);
}
