/**
 * Cross-account CloudFront VPC origins shared through AWS RAM: the input contracts of vpc-origin-share
 * and vpc-origin-teardown, the plans derived from them, and the distribution-config arithmetic
 * (adding and removing team origins, behaviours and aliases) that the tasks, the undo steps and the
 * simulated edge share. Pure: no AWS.
 */
import * as z from 'zod';
import { inputInvalid } from './errors';
import { leaseName } from './leases';
import { AccountId, CloudFrontOriginPort, DistributionId, DnsName, formatIssues, HostedZoneId, Approvers, approvalSettings, MigrationId } from './validation';
import { starCount, wildcardMatch } from './wildcard';

/** Route 53's hosted zone id for every CloudFront alias target. */
export const CLOUDFRONT_ALIAS_ZONE_ID = 'Z2FDTNDATAQYW2';
/** CloudFront managed policies (IDs from the CloudFront developer guide). */
export const MANAGED_CACHE_POLICY_CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
/** AllViewer forwards every viewer header, Host included, which the team's ALB rules match on. */
export const MANAGED_ORIGIN_REQUEST_POLICY_ALL_VIEWER = '216adef6-5c7f-47e4-b989-5492eafa07d3';
export const MANAGED_ORIGIN_REQUEST_POLICY_ALL_VIEWER_AND_CF_HEADERS = '33f36d7e-f396-46d9-90e0-52428a34d9dc';
/** RAM invitations for CloudFront VPC origins must be accepted within 12 hours (CloudFront sharing guide). */
export const INVITATION_VALID_SECONDS = 12 * 3600;
/** CloudFront quotas that adding teams can hit (CloudFront quotas page). */
export const MAX_ORIGINS_PER_DISTRIBUTION = 100;
export const MAX_CACHE_BEHAVIORS_PER_DISTRIBUTION = 75;
export const MAX_ALIASES_PER_DISTRIBUTION = 100;
/**
 * Teams one execution takes on, bounded by Step Functions' quotas (docs/deploy.md, "Step Functions
 * quotas"): every team polls its VPC origin for up to 3 h (about 100 checks of 9 history events each)
 * against the 25,000 events of one execution's history, and each team's plan (up to ~1.5 KB) is held
 * in several parts of the execution's state (plan, results, probes), which must stay within 256 KiB.
 * More teams run as further executions; they share the distribution update (group commit).
 */
export const MAX_TEAMS_PER_EXECUTION = 20;

const TeamName = z.string().regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, 'must be 2-32 lowercase letters, digits or dashes, starting with a letter');
const RoleArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,64}$/,
    'must be an IAM role ARN such as arn:aws:iam::444455556666:role/byoip-orchestrator-team-access',
  );
const AlbArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:elasticloadbalancing:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:loadbalancer\/(app|net)\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/,
    'must be an Application or Network Load Balancer ARN',
  );
const VpcOriginName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, dashes or underscores');
const HostName = DnsName.refine((h) => !h.startsWith('*'), 'must be one host name, not a wildcard');
/** At most this many `*` in a team's path pattern: enough for "/api/(star)/v1/(star).json", few enough to read at a glance. */
export const MAX_PATH_PATTERN_STARS = 4;
/** CloudFront path patterns: case-sensitive, `*` and `?` wildcards, at most 255 characters. */
const PathPattern = z
  .string()
  .max(255, 'must be at most 255 characters')
  .regex(/^\/?[A-Za-z0-9_\-.*$/~"'@:+?&=!%]+$/, 'must be a CloudFront path pattern such as /team-a/*')
  .refine((p) => !['*', '/*'].includes(p), 'must not be /* (that is the default behaviour, shared by every team)')
  .refine((p) => starCount(p) <= MAX_PATH_PATTERN_STARS, `must have at most ${MAX_PATH_PATTERN_STARS} "*" wildcards`)
  .refine((p) => !p.includes('**'), 'must not repeat "*" ("**" matches what "*" matches)');
const ProbePath = z
  .string()
  .max(255, 'must be at most 255 characters (a concrete path of pathPattern)')
  .regex(/^\/[A-Za-z0-9_\-./~%]*$/, 'must be a URL path such as /team-a/health (no wildcards or query)');

const LockSettings = z
  .object({
    /** How long a writer may hold the distribution (update + deployment); others wait this long at most for a crashed one. */
    leaseSeconds: z
      .number()
      .int()
      .min(900, 'must be at least 900 seconds (a deployment takes minutes)')
      .max(86_400)
      .default(3 * 3600),
  })
  .strict();

const TeamShareInput = z
  .object({
    /** Short team name: names the VPC origin, the share and the distribution origin. */
    name: TeamName,
    /** The team's account: owns the ALB and the VPC origin, and shares it. */
    accountId: AccountId,
    /** The role tasks assume in the team's account. */
    roleArn: RoleArn,
    /** The team's internal ALB (HTTPS listener; its rules match the team's Host header). */
    albArn: AlbArn,
    /** The ALB's private DNS name (the origin's DomainName). */
    albDnsName: DnsName,
    /** The team's public host, e.g. team-a.example.com. */
    host: HostName,
    hostedZoneId: HostedZoneId,
    /** The path the distribution routes to this team, e.g. /team-a/*. */
    pathPattern: PathPattern,
    /** Path probed to verify isolation; must match pathPattern. Default: pathPattern with "*" → "health". */
    probePath: ProbePath.optional(),
    vpcOriginName: VpcOriginName.optional(),
    /** The port CloudFront connects to on the team's load balancer. */
    httpsPort: CloudFrontOriginPort.default(443),
  })
  .strict();

export const VpcOriginShareInputSchema = z
  .object({
    migrationId: MigrationId.optional(),
    /** The networking account: owns the distribution and DNS, accepts the shares. Tasks run here. */
    networkingAccountId: AccountId,
    /** The one shared distribution every team is added to. */
    distributionId: DistributionId,
    teams: z
      .array(TeamShareInput)
      .min(1, 'needs at least one team')
      .max(
        MAX_TEAMS_PER_EXECUTION,
        `at most ${MAX_TEAMS_PER_EXECUTION} teams per execution (Step Functions' history and state quotas); start further executions for more teams: they share the distribution update`,
      ),
    /** How long the writer that got the distribution lock waits for more ready additions before updating. */
    coalesceSeconds: z.number().int().min(0).max(900).default(60),
    lock: LockSettings.default({ leaseSeconds: 3 * 3600 }),
    approvers: Approvers,
    approval: approvalSettings(),
  })
  .strict();

export type VpcOriginShareInput = z.infer<typeof VpcOriginShareInputSchema>;

export interface TeamPlan {
  name: string;
  accountId: string;
  roleArn: string;
  albArn: string;
  albDnsName: string;
  host: string;
  hostedZoneId: string;
  pathPattern: string;
  probePath: string;
  vpcOriginName: string;
  shareName: string;
  /** The Origin Id in the distribution. */
  originId: string;
  httpsPort: number;
}

/** What undoing a team's VPC origin and share needs (the intents keep this, not the whole plan: state is bounded). */
export type TeamUndoRef = Pick<TeamPlan, 'name' | 'accountId' | 'roleArn' | 'albArn' | 'vpcOriginName' | 'shareName'>;

export interface VpcOriginSharePlan {
  migrationId: string;
  networkingAccountId: string;
  distributionId: string;
  teams: TeamPlan[];
  undoTeams: TeamUndoRef[];
  coalesceSeconds: number;
  lock: { leaseSeconds: number };
  lockResource: string;
  lockResources: string[];
  approvers: string[];
  approval: { timeoutSeconds: number };
}

const TAG_SAFE = (s: string) => s.toLowerCase();

export const defaultVpcOriginName = (team: string) => `${team}-vpc-origin`;
export const shareNameFor = (team: string) => `cloudfront-vpc-origin-${team}`;
export const originIdFor = (team: string) => `vpc-${team}`;

function accountOfArn(arn: string): string | undefined {
  return /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1];
}

/**
 * CloudFront path-pattern matching: `*` is any run of characters, `?` one character; the leading slash
 * is optional. Linear in the path for a given pattern (domain/wildcard.ts): patterns read from a shared
 * distribution are whatever its other writers put there.
 */
export function pathMatches(pattern: string, path: string, counter?: { steps: number }): boolean {
  return wildcardMatch(pattern.startsWith('/') ? pattern : `/${pattern}`, path, { counter });
}

export function defaultProbePath(pattern: string): string {
  const p = pattern.startsWith('/') ? pattern : `/${pattern}`;
  return p.replace(/\*/g, 'health').replace(/\?/g, 'x');
}

/** Is `host` served by a distribution with these aliases (exact, or a one-label wildcard)? */
export function hostCovered(aliases: readonly string[], host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return aliases.some((a) => {
    const alias = a.toLowerCase().replace(/\.$/, '');
    if (alias === h) return true;
    if (!alias.startsWith('*.')) return false;
    const rest = h.slice(h.indexOf('.') + 1);
    return h.includes('.') && rest === alias.slice(2);
  });
}

const bareHost = (h: string) => h.toLowerCase().replace(/\.$/, '');

/**
 * Cross-field rules run even when a field failed to parse (so every mistake is named at once); they
 * look only at teams whose fields are strings.
 */
const whenTeamsPresent = {
  when: (p: { value: unknown }) => typeof p.value === 'object' && p.value !== null && Array.isArray((p.value as { teams?: unknown }).teams),
};
const str = (v: unknown): v is string => typeof v === 'string';
function teamsOf<T>(input: { teams: T[] }): Array<[T, number]> {
  return input.teams.map((t, i) => [t, i] as [T, number]).filter(([t]) => typeof t === 'object' && t !== null);
}

function shareCrossCheck(input: VpcOriginShareInput, ctx: z.RefinementCtx): void {
  const seen = { name: new Map<string, number>(), host: new Map<string, number>(), path: new Map<string, number>(), origin: new Map<string, number>() };
  for (const [t, i] of teamsOf(input)) {
    if (![t.name, t.accountId, t.roleArn, t.albArn, t.host, t.pathPattern].every(str)) continue;
    const at = (field: string) => ['teams', i, field];
    if (t.accountId === input.networkingAccountId) {
      ctx.addIssue({
        code: 'custom',
        path: at('accountId'),
        message: 'is the networking account; this workflow shares VPC origins from team accounts (same-account origins need no RAM share)',
      });
    }
    if (accountOfArn(t.roleArn) && accountOfArn(t.roleArn) !== t.accountId)
      ctx.addIssue({ code: 'custom', path: at('roleArn'), message: `is in account ${accountOfArn(t.roleArn)}, but accountId is ${t.accountId}` });
    if (accountOfArn(t.albArn) && accountOfArn(t.albArn) !== t.accountId)
      ctx.addIssue({ code: 'custom', path: at('albArn'), message: `is in account ${accountOfArn(t.albArn)}, but accountId is ${t.accountId}` });
    const probe = t.probePath ?? defaultProbePath(t.pathPattern);
    if (t.probePath && !pathMatches(t.pathPattern, probe))
      ctx.addIssue({ code: 'custom', path: at('probePath'), message: `${probe} does not match pathPattern ${t.pathPattern}` });
    const checks: Array<[keyof typeof seen, string, string]> = [
      ['name', t.name, 'name'],
      ['host', bareHost(t.host), 'host'],
      ['path', t.pathPattern.startsWith('/') ? t.pathPattern : `/${t.pathPattern}`, 'pathPattern'],
      ['origin', `${t.accountId}/${t.vpcOriginName ?? defaultVpcOriginName(t.name)}`, 'vpcOriginName'],
    ];
    for (const [kind, value, field] of checks) {
      const first = seen[kind].get(value);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: at(field), message: `repeats teams[${first}].${field} (${value})` });
      else seen[kind].set(value, i);
    }
  }
  // A path another team's pattern already catches would never reach this team's origin.
  const patterned = teamsOf(input).filter(([t]) => str(t.pathPattern));
  for (const [t, i] of patterned) {
    const probe = str(t.probePath) ? t.probePath : defaultProbePath(t.pathPattern);
    for (const [o, j] of patterned) {
      if (j < i && pathMatches(o.pathPattern, probe))
        ctx.addIssue({ code: 'custom', path: ['teams', i, 'pathPattern'], message: `${probe} is already caught by teams[${j}].pathPattern ${o.pathPattern}` });
    }
  }
}

/** Validates vpc-origin-share input and derives the plan; throws InputInvalid naming every problem. */
export function planVpcOriginShare(raw: unknown): VpcOriginSharePlan {
  const result = VpcOriginShareInputSchema.superRefine(shareCrossCheck, whenTeamsPresent).safeParse(raw);
  if (!result.success) throw inputInvalid(`vpc-origin-share input is invalid:\n${formatIssues(result.error)}`, { issues: result.error.issues.length });
  const input = result.data;
  const teams: TeamPlan[] = input.teams.map((t) => ({
    name: t.name,
    accountId: t.accountId,
    roleArn: t.roleArn,
    albArn: t.albArn,
    albDnsName: bareHost(t.albDnsName),
    host: bareHost(t.host),
    hostedZoneId: t.hostedZoneId,
    pathPattern: t.pathPattern.startsWith('/') ? t.pathPattern : `/${t.pathPattern}`,
    probePath: t.probePath ?? defaultProbePath(t.pathPattern),
    vpcOriginName: t.vpcOriginName ?? defaultVpcOriginName(t.name),
    shareName: shareNameFor(t.name),
    originId: originIdFor(t.name),
    httpsPort: t.httpsPort,
  }));
  return {
    migrationId: input.migrationId ?? `vpc-origins-${TAG_SAFE(input.distributionId)}`,
    networkingAccountId: input.networkingAccountId,
    distributionId: input.distributionId,
    teams,
    undoTeams: teams.map(({ name, accountId, roleArn, albArn, vpcOriginName, shareName }) => ({ name, accountId, roleArn, albArn, vpcOriginName, shareName })),
    coalesceSeconds: input.coalesceSeconds,
    lock: input.lock,
    lockResource: leaseName.distribution(input.distributionId),
    lockResources: [leaseName.distribution(input.distributionId)],
    approvers: input.approvers,
    approval: input.approval,
  };
}

const TeamTeardownInput = z
  .object({
    name: TeamName,
    accountId: AccountId,
    roleArn: RoleArn,
    /** The team's ALB: finds its VPC origin when vpcOriginName is not given. */
    albArn: AlbArn.optional(),
    vpcOriginName: VpcOriginName.optional(),
    /** The team's host: its alias is removed from the distribution. Omit to leave aliases alone. */
    host: HostName.optional(),
  })
  .strict();

export const VpcOriginTeardownInputSchema = z
  .object({
    migrationId: MigrationId.optional(),
    networkingAccountId: AccountId,
    distributionId: DistributionId,
    /** detach: remove these teams' origins, behaviours and aliases; disable: also disable the distribution (retiring it). */
    distributionAction: z.enum(['detach', 'disable'], { error: 'must be "detach" or "disable"' }).default('detach'),
    teams: z
      .array(TeamTeardownInput)
      .min(1, 'needs at least one team')
      .max(
        MAX_TEAMS_PER_EXECUTION,
        `at most ${MAX_TEAMS_PER_EXECUTION} teams per execution (each polls its VPC origin's deletion for up to 3 h: Step Functions' history quota); start further executions for more teams`,
      ),
    lock: LockSettings.default({ leaseSeconds: 3 * 3600 }),
    approvers: Approvers,
    /** A gate stands before "disable", and before "detach" when aliases go. */
    approval: approvalSettings(),
  })
  .strict();

export interface TeamTeardownPlan {
  name: string;
  accountId: string;
  roleArn: string;
  albArn: string | null;
  vpcOriginName: string;
  host: string | null;
}

export interface VpcOriginTeardownPlan {
  migrationId: string;
  networkingAccountId: string;
  distributionId: string;
  distributionAction: 'detach' | 'disable';
  disable: boolean;
  teams: TeamTeardownPlan[];
  lock: { leaseSeconds: number };
  lockResource: string;
  lockResources: string[];
  approvers: string[];
  approval: { timeoutSeconds: number };
}

export function planVpcOriginTeardown(raw: unknown): VpcOriginTeardownPlan {
  const schema = VpcOriginTeardownInputSchema.superRefine((input, ctx) => {
    const names = new Map<string, number>();
    for (const [t, i] of teamsOf(input)) {
      if (![t.name, t.accountId, t.roleArn].every(str)) continue;
      if (t.accountId === input.networkingAccountId)
        ctx.addIssue({ code: 'custom', path: ['teams', i, 'accountId'], message: 'is the networking account; team VPC origins live in team accounts' });
      if (accountOfArn(t.roleArn) && accountOfArn(t.roleArn) !== t.accountId)
        ctx.addIssue({ code: 'custom', path: ['teams', i, 'roleArn'], message: `is in account ${accountOfArn(t.roleArn)}, but accountId is ${t.accountId}` });
      if (str(t.albArn) && accountOfArn(t.albArn) !== t.accountId)
        ctx.addIssue({ code: 'custom', path: ['teams', i, 'albArn'], message: `is in account ${accountOfArn(t.albArn)}, but accountId is ${t.accountId}` });
      const first = names.get(t.name);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['teams', i, 'name'], message: `repeats teams[${first}].name` });
      names.set(t.name, i);
    }
  }, whenTeamsPresent);
  const result = schema.safeParse(raw);
  if (!result.success) throw inputInvalid(`vpc-origin-teardown input is invalid:\n${formatIssues(result.error)}`, { issues: result.error.issues.length });
  const input = result.data;
  return {
    migrationId: input.migrationId ?? `vpc-origins-${TAG_SAFE(input.distributionId)}`,
    networkingAccountId: input.networkingAccountId,
    distributionId: input.distributionId,
    distributionAction: input.distributionAction,
    disable: input.distributionAction === 'disable',
    teams: input.teams.map((t) => ({
      name: t.name,
      accountId: t.accountId,
      roleArn: t.roleArn,
      albArn: t.albArn ?? null,
      vpcOriginName: t.vpcOriginName ?? defaultVpcOriginName(t.name),
      host: t.host ? bareHost(t.host) : null,
    })),
    lock: input.lock,
    lockResource: leaseName.distribution(input.distributionId),
    lockResources: [leaseName.distribution(input.distributionId)],
    approvers: input.approvers,
    approval: input.approval,
  };
}

// ---------------------------------------------------------------------------------------------
// Distribution config arithmetic. Configs are CloudFront DistributionConfig objects (as the API
// returns them); the functions never mutate their input.

// biome-ignore lint/suspicious/noExplicitAny: CloudFront's config as JSON — domain/ takes no SDK types (the import-graph rule); the tasks pass the SDK's DistributionConfig
export type DistributionConfig = Record<string, any>;

/** One team's ready addition: the origin, the behaviour and the alias the distribution needs. */
export interface TeamAddition {
  team: string;
  originId: string;
  vpcOriginId: string;
  vpcOriginArn: string;
  ownerAccountId: string;
  albDnsName: string;
  host: string;
  pathPattern: string;
  probePath: string;
  httpsPort: number;
}

export function teamOrigin(a: TeamAddition): Record<string, unknown> {
  return {
    Id: a.originId,
    DomainName: a.albDnsName,
    OriginPath: '',
    CustomHeaders: { Quantity: 0, Items: [] },
    VpcOriginConfig: { VpcOriginId: a.vpcOriginId, OwnerAccountId: a.ownerAccountId, OriginReadTimeout: 30, OriginKeepaliveTimeout: 5 },
    ConnectionAttempts: 3,
    ConnectionTimeout: 10,
    OriginShield: { Enabled: false },
    OriginAccessControlId: '',
  };
}

export function teamBehavior(a: TeamAddition): Record<string, unknown> {
  return {
    PathPattern: a.pathPattern,
    TargetOriginId: a.originId,
    TrustedSigners: { Enabled: false, Quantity: 0 },
    TrustedKeyGroups: { Enabled: false, Quantity: 0 },
    ViewerProtocolPolicy: 'https-only',
    AllowedMethods: {
      Quantity: 7,
      Items: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'],
      CachedMethods: { Quantity: 2, Items: ['GET', 'HEAD'] },
    },
    SmoothStreaming: false,
    Compress: true,
    LambdaFunctionAssociations: { Quantity: 0 },
    FunctionAssociations: { Quantity: 0 },
    FieldLevelEncryptionId: '',
    // APIs: no caching, and the viewer's Host header reaches the ALB, whose rules isolate the teams.
    CachePolicyId: MANAGED_CACHE_POLICY_CACHING_DISABLED,
    OriginRequestPolicyId: MANAGED_ORIGIN_REQUEST_POLICY_ALL_VIEWER,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: lists inside that config are as loose as it is
const items = <T = any>(list: { Items?: T[] } | undefined): T[] => list?.Items ?? [];
const withItems = <T>(list: Record<string, unknown> | undefined, next: T[]) => ({ ...(list ?? {}), Quantity: next.length, Items: next });

export interface MergeResult {
  config: DistributionConfig;
  changed: boolean;
  /** Additions now fully present in the config (added now or already there). */
  present: string[];
  /** Additions that cannot be applied, with the reason. */
  rejected: Array<{ team: string; reason: string }>;
  /** Aliases this merge added (a later undo removes exactly these). */
  addedAliases: string[];
}

/**
 * Adds the teams' origins, behaviours and aliases. Idempotent: what is already there is kept.
 * A behaviour goes before any existing behaviour that would catch the team's probe path first
 * (CloudFront uses the first matching pattern). Conflicts and quota overruns reject that team only.
 */
export function addTeams(config: DistributionConfig, additions: readonly TeamAddition[]): MergeResult {
  let origins = [...items(config.Origins)];
  let behaviors = [...items(config.CacheBehaviors)];
  let aliases = [...items<string>(config.Aliases)];
  const present: string[] = [];
  const rejected: MergeResult['rejected'] = [];
  const addedAliases: string[] = [];
  let changed = false;
  for (const a of additions) {
    const sameOrigin = origins.find((o) => o.Id === a.originId);
    if (sameOrigin && sameOrigin.VpcOriginConfig?.VpcOriginId !== a.vpcOriginId) {
      rejected.push({
        team: a.team,
        reason: `origin ${a.originId} already exists and points at ${sameOrigin.VpcOriginConfig?.VpcOriginId ?? sameOrigin.DomainName}`,
      });
      continue;
    }
    const samePath = behaviors.find((b) => b.PathPattern === a.pathPattern);
    if (samePath && samePath.TargetOriginId !== a.originId) {
      rejected.push({ team: a.team, reason: `path ${a.pathPattern} is already routed to origin ${samePath.TargetOriginId}` });
      continue;
    }
    if (!sameOrigin && origins.length + 1 > MAX_ORIGINS_PER_DISTRIBUTION) {
      rejected.push({ team: a.team, reason: `the distribution already has ${origins.length} origins (quota ${MAX_ORIGINS_PER_DISTRIBUTION})` });
      continue;
    }
    if (!samePath && behaviors.length + 1 > MAX_CACHE_BEHAVIORS_PER_DISTRIBUTION) {
      rejected.push({
        team: a.team,
        reason: `the distribution already has ${behaviors.length} cache behaviours (quota ${MAX_CACHE_BEHAVIORS_PER_DISTRIBUTION})`,
      });
      continue;
    }
    const needsAlias = !hostCovered(aliases, a.host);
    if (needsAlias && aliases.length + 1 > MAX_ALIASES_PER_DISTRIBUTION) {
      rejected.push({ team: a.team, reason: `the distribution already has ${aliases.length} alternate domain names (quota ${MAX_ALIASES_PER_DISTRIBUTION})` });
      continue;
    }
    if (!sameOrigin) {
      origins = [...origins, teamOrigin(a)];
      changed = true;
    }
    if (!samePath) {
      const shadow = behaviors.findIndex((b) => pathMatches(b.PathPattern, a.probePath));
      const behavior = teamBehavior(a);
      behaviors = shadow < 0 ? [...behaviors, behavior] : [...behaviors.slice(0, shadow), behavior, ...behaviors.slice(shadow)];
      changed = true;
    }
    if (needsAlias) {
      aliases = [...aliases, a.host];
      addedAliases.push(a.host);
      changed = true;
    }
    present.push(a.team);
  }
  const next = changed
    ? {
        ...config,
        Origins: withItems(config.Origins, origins),
        CacheBehaviors: withItems(config.CacheBehaviors, behaviors),
        Aliases: withItems(config.Aliases, aliases),
      }
    : config;
  return { config: next, changed, present, rejected, addedAliases };
}

export interface TeamRemoval {
  /** Origins pointing at one of these VPC origins are removed (never someone else's origin with the same Id). */
  vpcOriginIds: string[];
  /** Exact aliases to remove. */
  aliases: string[];
}

export interface RemoveResult {
  config: DistributionConfig;
  changed: boolean;
  removedOrigins: string[];
  removedBehaviors: string[];
  removedAliases: string[];
  /** Why something could not be removed (e.g. the default behaviour targets it). */
  blocked: string[];
}

/** Removes the origins that point at the given VPC origins, every behaviour targeting them, and the given aliases. */
export function removeTeams(config: DistributionConfig, removals: readonly TeamRemoval[]): RemoveResult {
  const vpcIds = new Set(removals.flatMap((r) => r.vpcOriginIds));
  const drop = items(config.Origins).filter((o) => o.VpcOriginConfig && vpcIds.has(o.VpcOriginConfig.VpcOriginId));
  const dropIds = new Set(drop.map((o) => o.Id));
  const blocked: string[] = [];
  if (config.DefaultCacheBehavior && dropIds.has(config.DefaultCacheBehavior.TargetOriginId)) {
    blocked.push(`the default behaviour targets ${config.DefaultCacheBehavior.TargetOriginId}`);
    dropIds.delete(config.DefaultCacheBehavior.TargetOriginId);
  }
  const origins = items(config.Origins).filter((o) => !dropIds.has(o.Id));
  const behaviors = items(config.CacheBehaviors).filter((b) => !dropIds.has(b.TargetOriginId));
  const removedBehaviors = items(config.CacheBehaviors)
    .filter((b) => dropIds.has(b.TargetOriginId))
    .map((b) => b.PathPattern as string);
  const removeAliases = new Set(removals.flatMap((r) => r.aliases.map(bareHost)));
  const aliases = items<string>(config.Aliases).filter((a) => !removeAliases.has(bareHost(a)));
  const removedAliases = items<string>(config.Aliases).filter((a) => removeAliases.has(bareHost(a)));
  const changed = dropIds.size > 0 || removedAliases.length > 0;
  const next = changed
    ? {
        ...config,
        Origins: withItems(config.Origins, origins),
        CacheBehaviors: withItems(config.CacheBehaviors, behaviors),
        Aliases: withItems(config.Aliases, aliases),
      }
    : config;
  return { config: next, changed, removedOrigins: [...dropIds], removedBehaviors, removedAliases, blocked };
}

/** The VPC origins (by id) a config references, with their owners. */
export function referencedVpcOrigins(config: DistributionConfig): Array<{ originId: string; vpcOriginId: string; ownerAccountId?: string }> {
  return items(config.Origins)
    .filter((o) => o.VpcOriginConfig?.VpcOriginId)
    .map((o) => ({ originId: o.Id, vpcOriginId: o.VpcOriginConfig.VpcOriginId, ownerAccountId: o.VpcOriginConfig.OwnerAccountId }));
}

/** Does the config hold the team's origin (for its VPC origin), a behaviour to it, and cover its host? */
export function teamAttached(config: DistributionConfig, a: Pick<TeamAddition, 'originId' | 'vpcOriginId' | 'pathPattern' | 'host'>): boolean {
  const origin = items(config.Origins).find((o) => o.Id === a.originId && o.VpcOriginConfig?.VpcOriginId === a.vpcOriginId);
  const behavior = items(config.CacheBehaviors).find((b) => b.PathPattern === a.pathPattern && b.TargetOriginId === a.originId);
  return Boolean(origin && behavior && hostCovered(items<string>(config.Aliases), a.host));
}
