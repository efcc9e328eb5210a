/**
 * Lease names in the state table: one scheme for every workflow, so two workflows that touch the same
 * CIDR, ASN, distribution, accelerator or sync exclude each other (LOCK#<kind>/<id>).
 */
import { canonicalCidr } from './cidr';

export const leaseName = {
  /** A BYOIP prefix, whichever service advertises it (CloudFront through IPAM, or Global Accelerator). */
  cidr: (cidr: string) => `byoip-cidr/${canonicalCidr(cidr)}`,
  /** A BYOASN (its number, without "AS"). */
  asn: (asn: string) => `byoasn/${asn.replace(/^AS/i, '')}`,
  /** A CloudFront distribution: one writer of its configuration at a time. */
  distribution: (id: string) => `cloudfront-distribution/${id}`,
  /** A Global Accelerator accelerator, by name (before it exists) or ARN. */
  accelerator: (nameOrArn: string) => `ga-accelerator/${nameOrArn}`,
  /** An origin-lockdown sync from the deployment's byoip.originLockdown.syncs. */
  originSync: (syncName: string) => `origin-ranges-sync/${syncName}`,
};
