/** A team's ready addition, as the PrepareTeams Map hands it on (see workflows/vpc-origin-share.ts). */
import * as z from 'zod';

export const PreparedTeam = z
  .object({
    team: z.string(),
    originId: z.string(),
    vpcOriginId: z.string(),
    vpcOriginArn: z.string(),
    ownerAccountId: z.string(),
    albDnsName: z.string(),
    host: z.string(),
    pathPattern: z.string(),
    probePath: z.string(),
    httpsPort: z.number().int(),
  })
  .passthrough();
export type PreparedTeam = z.infer<typeof PreparedTeam>;

/** The TeamAddition fields only (the queue stores no more than the distribution needs). */
export function toAddition(t: PreparedTeam) {
  const { team, originId, vpcOriginId, vpcOriginArn, ownerAccountId, albDnsName, host, pathPattern, probePath, httpsPort } = t;
  return { team, originId, vpcOriginId, vpcOriginArn, ownerAccountId, albDnsName, host, pathPattern, probePath, httpsPort };
}
