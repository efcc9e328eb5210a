/**
 * Deployment settings, from cdk.json context key "byoip" (or `-c byoip='{...}'`), validated up front
 * so a typo fails the synth with the field's name rather than at deploy time.
 */
import * as z from 'zod';

export const OrchestratorConfigSchema = z.object({
  /** Where the workflows run: the IPAM home Region (CloudFront, Route 53 and RAM calls go to us-east-1 regardless). */
  stackName: z.string().default('ByoipOrchestrator'),
  /** Operators get alarms (failed/timed-out/aborted executions, approval expiries) by email. */
  operatorEmails: z.array(z.string().regex(/^[^\s@]+@[^\s@]+$/)).default([]),
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
}).strict();

export type OrchestratorConfig = z.infer<typeof OrchestratorConfigSchema>;

export function loadConfig(raw: unknown): OrchestratorConfig {
  const parsed = OrchestratorConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new Error(`invalid "byoip" context in cdk.json:\n${parsed.error.issues.map((i) => `  byoip.${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  return parsed.data;
}
