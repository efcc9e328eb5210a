/** EC2 reads shared by the BYOASN tasks and their undo steps. */
import { DescribeIpamByoasnCommand, type AsnAssociation, type Byoasn, type ByoipCidr } from '@aws-sdk/client-ec2';
import { ec2 } from '../ipam/ipam-client';

/** The account's BYOASNs in the IPAM's Region, by ASN (DescribeIpamByoasn has no filter: page through; the SDK has no paginator for it). */
export async function byoasns(region: string, ipamId?: string): Promise<Map<string, Byoasn>> {
  const map = new Map<string, Byoasn>();
  let NextToken: string | undefined;
  do {
    const out = await ec2(region).send(new DescribeIpamByoasnCommand({ MaxResults: 100, NextToken }));
    for (const a of out.Byoasns ?? []) if (a.Asn && (!ipamId || a.IpamId === ipamId)) map.set(a.Asn, a);
    NextToken = out.NextToken;
  } while (NextToken);
  return map;
}

/** The association of `asn` with a BYOIP CIDR, as DescribeByoipCidrs shows it (disassociated counts as none). */
export function associationOf(cidr: ByoipCidr | undefined, asn: string): AsnAssociation | undefined {
  const a = cidr?.AsnAssociations?.find((x) => x.Asn === asn);
  return a?.State === 'disassociated' ? undefined : a;
}

/** States in which a BYOASN exists and holds a quota slot. */
export const LIVE_ASN_STATES = new Set(['pending-provision', 'provisioned', 'pending-deprovision', 'failed-deprovision']);
