/**
 * The deployment's configuration: ONE validated object, the CDK context key "byoip" (cdk.json, or
 * `-c byoip='{...}'`, which CDK passes as a string). The CDK app reads all of it at synth; the tasks
 * that need a part of it at run time read the same object through tasks/lib/deployment.ts (in AWS
 * from their environment, set by infra/; in the simulator from the world's "deployment" section).
 * A typo fails the synth (or the rehearsal) naming the field.
 */
import * as z from 'zod';
import { OriginLockdownConfigSchema } from './origin-lockdown';
import { Email } from './validation';
import { DEFAULT_INTERNET_EVIDENCE, InternetEvidenceConfigSchema } from './internet/config';

export const DeploymentConfigSchema = z.object({
  /** Where the workflows run: the IPAM home Region (CloudFront, Route 53 and RAM calls go to us-east-1 regardless). */
  stackName: z.string().default('ByoipOrchestrator'),
  /** Operators get alarms (failed/timed-out/aborted executions, approval expiries) by email. */
  operatorEmails: z.array(Email).max(20).default([]),
  /** Secrets the signing task may read: names under this prefix (the customer's BYOIP/BYOASN signing key). */
  signingKeySecretPrefix: z.string().regex(/^[A-Za-z0-9/_+=.@-]+$/).default('byoip/'),
  /** Hosted zones the DNS tasks may change; empty = any zone in the account. */
  hostedZoneIds: z.array(z.string().regex(/^Z[A-Z0-9]{1,32}$/)).default([]),
  /** Team accounts whose role the cross-account tasks assume (and which deploy the team-access stack). */
  teamAccounts: z.array(z.string().regex(/^\d{12}$/)).default([]),
  /** The orchestrator's account, which the team-access role trusts (needed when deploying that stack). */
  orchestratorAccountId: z.string().regex(/^\d{12}$/).optional(),
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
}).strict();

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
    path: ['rehearsal'], message: 'is for simulated worlds only; a real deployment validates documentation space and ASNs as AWS does',
  }).safeParse(value);
  if (!parsed.success) {
    throw new Error(`invalid ${where}:\n${parsed.error.issues.map((i) => `  byoip${i.path.map((k) => `.${String(k)}`).join('')}: ${i.message}`).join('\n')}`);
  }
  return parsed.data;
}

/** The environment variable through which a task function receives the deployment configuration. */
export const DEPLOYMENT_ENV = 'BYOIP_DEPLOYMENT';
