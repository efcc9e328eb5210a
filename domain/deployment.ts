/**
 * The deployment's configuration: ONE validated object, the CDK context key "byoip" (cdk.json, or
 * `-c byoip='{...}'`, which CDK passes as a string). The CDK app reads all of it at synth; the tasks
 * that need a part of it at run time read the same object through platform/deployment.ts (in AWS
 * from their environment, set by infra/; in the simulator from the world's "deployment" section).
 * A typo fails the synth (or the rehearsal) naming the field.
 */
import * as z from 'zod';
import { canonicalCidr, contains, parseCidr } from './cidr';
import { DEFAULT_INTERNET_EVIDENCE, InternetEvidenceConfigSchema } from './internet/config';
import { OriginLockdownConfigSchema } from './origin-lockdown';
import { Email } from './validation';

const AccountNumber = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
/** A principal as STS GetCallerIdentity names it (IAM user/role, or an assumed-role session). */
const PrincipalArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:(iam::\d{12}:(user|role)\/[\w+=,.@/-]{1,512}|sts::\d{12}:assumed-role\/[\w+=,.@-]{1,64}\/[\w+=,.@-]{2,64})$/,
    'must be an IAM user or role ARN, or an assumed-role session ARN (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION)',
  );
const SecretArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/,
    'must be a complete Secrets Manager secret ARN (ending in the 6-character suffix AWS adds)',
  );
const CidrText = z.string().superRefine((text, ctx) => {
  try {
    if (canonicalCidr(text) !== text) ctx.addIssue({ code: 'custom', message: `"${text}" is not canonical (${canonicalCidr(text)})` });
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});
const AsnText = z.string().regex(/^[1-9]\d{0,9}$/, 'must be an ASN as bare digits, e.g. "64496"');
/** EventBridge sources of operator events: `byoip-orchestrator.<name>` (the bus policy binds each to one principal). */
export const OPERATOR_EVENT_SOURCE_PREFIX = 'byoip-orchestrator.';

export const DeploymentConfigSchema = z
  .object({
    /** Where the workflows run: the IPAM home Region (CloudFront, Route 53 and RAM calls go to us-east-1 regardless). */
    stackName: z.string().default('ByoipOrchestrator'),
    /** Operators get alarms (failed/timed-out/aborted executions, approval expiries) by email. */
    operatorEmails: z.array(Email).max(20).default([]),
    /**
     * Who may decide at an approval gate (docs/approvals.md). The approval emails go to these addresses (one
     * SNS subscription each, filtered to that approver); an execution's input may narrow the list, never extend it.
     */
    approvers: z.array(Email).max(20).default([]),
    /**
     * The AWS principals (as STS GetCallerIdentity names them) that act as an approver on the CLI, and who
     * the requester of an execution is: `byoip approve` decides as the approver its caller maps to, never as `--as` says.
     */
    approverPrincipals: z
      .array(z.object({ principal: PrincipalArn, approver: Email }).strict())
      .max(100)
      .default([]),
    /** Gates that need two distinct approvers (4-eyes): workflow names, or "workflow/GateState". */
    twoApproverGates: z.array(z.string().regex(/^[a-z0-9-]+(\/[A-Za-z0-9]+)?$/)).default([]),
    /** How the approval page knows who decides: the per-approver link alone, or an authorizer's verified email too. */
    approvalPage: z
      .object({
        signIn: z.enum(['link', 'authorizer']).default('link'),
        /** With signIn "authorizer": the Cognito user pool whose API Gateway authorizer protects the page. */
        cognitoUserPoolArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool\/[\w-]+$/)
          .optional(),
      })
      .strict()
      .default({ signIn: 'link' }),
    /** What the signing task may sign authorization messages for (docs/approvals.md "Signing"). */
    signing: z
      .object({
        /** The secrets holding the customer's RIR signing key; the signer reads exactly these. */
        keySecretArns: z.array(SecretArn).max(10).default([]),
        /** Prefixes this deployment may sign for: a CIDR must equal or lie inside one of them. */
        prefixes: z.array(CidrText).max(100).default([]),
        /** ASNs this deployment may sign for. */
        asns: z.array(AsnText).max(20).default([]),
        /** Longest validity of a message the signer makes, in days (AWS accepts any future date). */
        maxAuthorizationDays: z.number().int().min(1).max(365).default(30),
      })
      .strict()
      .default({ keySecretArns: [], prefixes: [], asns: [], maxAuthorizationDays: 30 }),
    /**
     * Principals that may start workflows with an event on the orchestrator's own event bus: each sends with
     * source "byoip-orchestrator.<name>", and the bus policy refuses that source from anyone else.
     */
    operators: z
      .array(
        z
          .object({
            name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,30}$/, 'must be 1-31 lowercase letters, digits or dashes'),
            principal: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/, 'must be an IAM role or user ARN'),
            /** The approver this operator is, if any: they cannot approve what they started. */
            approver: Email.optional(),
          })
          .strict(),
      )
      .max(50)
      .default([]),
    /** Teardowns (withdraw, detach, disable) may be started by events too; off unless set. */
    eventStartableTeardowns: z.boolean().default(false),
    /** The workflows to deploy; default: all of them. */
    workflows: z.array(z.string().regex(/^[a-z0-9-]+$/)).optional(),
    /** Hosted zones the DNS tasks may change; empty = any zone in the account. */
    hostedZoneIds: z.array(z.string().regex(/^Z[A-Z0-9]{1,32}$/)).default([]),
    /** Team accounts whose role the cross-account tasks assume (and which deploy the team-access stack). */
    teamAccounts: z.array(AccountNumber).default([]),
    /** The orchestrator's account, which the team-access role trusts (needed when deploying that stack). */
    orchestratorAccountId: AccountNumber.optional(),
    /** Name of the role the team-access stack creates in each team account. */
    teamAccessRoleName: z.string().default('byoip-orchestrator-team-access'),
    /** Subscribe origin-ranges-sync to AWS's AmazonIpSpaceChanged topic (us-east-1). */
    subscribeToIpRangeChanges: z.boolean().default(true),
    /** origin-ranges-sync: each sync's targets, ports and safety switches (docs/origin-lockdown.md). */
    originLockdown: OriginLockdownConfigSchema.default({ syncs: {} }),
    /**
     * A simulated world only (the world file's "deployment" section): documentation address space and
     * ASNs are accepted as if public (domain/world.ts). The CDK app and the deployed functions refuse it.
     */
    rehearsal: z.boolean().default(false),
    /** Evidence from the internet: pre-flight RDAP/RPKI checks and BGP visibility (domain/internet/config.ts). */
    internet: InternetEvidenceConfigSchema.default(DEFAULT_INTERNET_EVIDENCE),
  })
  .strict();

export type DeploymentConfig = z.infer<typeof DeploymentConfigSchema>;
export type DeploymentConfigInput = z.input<typeof DeploymentConfigSchema>;

/**
 * Validates the "byoip" object; a JSON string (how CDK passes `-c byoip='{...}'`) is parsed first.
 * This is how the CDK app and the deployed functions read it, so `rehearsal: true` fails here: only
 * the simulator, which validates its world's section with the schema itself, can rehearse.
 */
export function parseDeploymentConfig(raw: unknown, where = '"byoip" context in cdk.json'): DeploymentConfig {
  let value = raw ?? {};
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (e) {
      throw new Error(`invalid ${where}: not JSON (${(e as Error).message})`);
    }
  }
  const parsed = DeploymentConfigSchema.refine((c) => !c.rehearsal, {
    path: ['rehearsal'],
    message: 'is for simulated worlds only; a real deployment validates documentation space and ASNs as AWS does',
  }).safeParse(value);
  if (!parsed.success) {
    throw new Error(`invalid ${where}:\n${parsed.error.issues.map((i) => `  byoip${i.path.map((k) => `.${String(k)}`).join('')}: ${i.message}`).join('\n')}`);
  }
  return parsed.data;
}

/** The environment variable through which a task function receives the deployment configuration. */
export const DEPLOYMENT_ENV = 'BYOIP_DEPLOYMENT';

/** The workflows whose inputs reach into team accounts: they need `teamAccounts`. */
export const TEAM_ACCOUNT_WORKFLOWS = ['vpc-origin-share', 'vpc-origin-teardown'];

/**
 * What a deployment must have beyond a valid shape (checked by the CDK app, so a synth without it fails
 * naming the field): approvers, team accounts for the VPC-origin workflows, approver principals that map
 * to configured approvers, and operators whose approver is configured.
 */
export function deployableProblems(c: DeploymentConfig, deployed: string[]): string[] {
  const problems: string[] = [];
  const approvers = new Set(c.approvers.map((a) => a.toLowerCase()));
  if (c.approvers.length === 0) problems.push('byoip.approvers: needs at least one approver (who may decide at the approval gates)');
  if (deployed.some((w) => TEAM_ACCOUNT_WORKFLOWS.includes(w)) && c.teamAccounts.length === 0) {
    problems.push(
      `byoip.teamAccounts: needs the team accounts ${TEAM_ACCOUNT_WORKFLOWS.join(' and ')} may work with (or leave those workflows out with byoip.workflows)`,
    );
  }
  c.approverPrincipals.forEach((p, i) => {
    if (!approvers.has(p.approver.toLowerCase())) problems.push(`byoip.approverPrincipals.${i}.approver: ${p.approver} is not in byoip.approvers`);
  });
  c.operators.forEach((o, i) => {
    if (o.approver && !approvers.has(o.approver.toLowerCase())) problems.push(`byoip.operators.${i}.approver: ${o.approver} is not in byoip.approvers`);
  });
  const names = c.operators.map((o) => o.name);
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) problems.push(`byoip.operators.${i}.name: "${n}" is used twice`);
  });
  const principals = c.approverPrincipals.map((p) => p.principal);
  principals.forEach((p, i) => {
    if (principals.indexOf(p) !== i) problems.push(`byoip.approverPrincipals.${i}.principal: listed twice`);
  });
  return problems;
}

/** The approver a principal acts as (exact ARN match, as STS names it), if any. */
export function approverOfPrincipal(c: Pick<DeploymentConfig, 'approverPrincipals'>, principal: string): string | undefined {
  return c.approverPrincipals.find((p) => p.principal === principal)?.approver;
}

/** Is `cidr` one this deployment may sign for (equal to or inside a configured prefix)? */
export function maySignPrefix(c: Pick<DeploymentConfig, 'signing'>, cidr: string): boolean {
  try {
    const x = parseCidr(cidr);
    return c.signing.prefixes.some((p) => contains(parseCidr(p), x));
  } catch {
    return false;
  }
}

export function maySignAsn(c: Pick<DeploymentConfig, 'signing'>, asn: string): boolean {
  return c.signing.asns.includes(String(Number(asn)));
}

/**
 * The configured key secret an input's `signingKeySecretId` names (its ARN, or its name): the signer reads
 * that ARN, never the input's string.
 */
export function signingKeySecret(c: Pick<DeploymentConfig, 'signing'>, secretId: string): string | undefined {
  return c.signing.keySecretArns.find(
    (arn) => arn === secretId || arn.replace(/-[A-Za-z0-9]{6}$/, '').split(':secret:')[1] === secretId || arn.replace(/-[A-Za-z0-9]{6}$/, '') === secretId,
  );
}

/**
 * The approvers of one execution: the configured list, or the input's narrowing of it. An address not in
 * the configuration is refused (the requester does not choose who approves).
 */
export function approversFor(c: Pick<DeploymentConfig, 'approvers'>, fromInput: string[] | undefined): { approvers: string[]; problems: string[] } {
  if (c.approvers.length === 0) return { approvers: [], problems: ['the deployment has no approvers (byoip.approvers)'] };
  if (!fromInput || fromInput.length === 0) return { approvers: [...c.approvers], problems: [] };
  const problems: string[] = [];
  const approvers: string[] = [];
  for (const a of fromInput) {
    const configured = c.approvers.find((x) => x.toLowerCase() === a.toLowerCase());
    if (!configured) problems.push(`${a} is not a configured approver (byoip.approvers: ${c.approvers.join(', ')}); an input may only narrow that list`);
    else if (!approvers.includes(configured)) approvers.push(configured);
  }
  return { approvers, problems };
}

/** Workflows that take things off the internet or out of service: event-startable only with byoip.eventStartableTeardowns. */
export const TEARDOWN_WORKFLOWS = ['teardown-cloudfront-byoip', 'teardown-static-ip-byoip', 'byoasn-teardown', 'vpc-origin-teardown'];

/** Which workflows an operator event may start in this deployment. */
export function eventStartable(c: Pick<DeploymentConfig, 'eventStartableTeardowns' | 'workflows'>, workflow: string): boolean {
  if (c.workflows && !c.workflows.includes(workflow)) return false;
  return c.eventStartableTeardowns || !TEARDOWN_WORKFLOWS.includes(workflow);
}
