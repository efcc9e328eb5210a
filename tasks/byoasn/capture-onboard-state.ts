/**
 * Before byoasn-onboard changes anything: is the ASN already provisioned, which CIDRs already carry
 * the association, which are advertised. Compensation keeps what was there before. A CIDR that is
 * not a BYOIP CIDR of this account and Region fails here, at the first AWS call, named by its field.
 */
import * as z from 'zod';
import { BYOASN_WITH_CLOUDFRONT } from '../../domain/byoasn';
import { inputInvalid } from '../../domain/errors';
import { defineTask } from '../lib/handler';
import { byoipCidrs } from '../ipam/ipam-client';
import { associationOf, byoasns } from './byoasn-client';

const Event = z.object({ region: z.string(), accountId: z.string(), ipamId: z.string(), asn: z.string(), cidrs: z.array(z.string()).min(1) });

export const handler = defineTask('CaptureByoasnOnboardState', Event, async (input) => {
  const all = await byoipCidrs(input.region);
  const problems: string[] = [];
  input.cidrs.forEach((cidr, i) => {
    const state = all.get(cidr)?.State;
    if (!state)
      problems.push(`input.cidrs[${i}]: ${cidr} is not a BYOIP CIDR of account ${input.accountId} in ${input.region}; provision it to a regional pool first`);
    else if (all.get(cidr)?.AdvertisementType === 'anycast')
      problems.push(`input.cidrs[${i}]: ${cidr} is a CloudFront (anycast) BYOIP CIDR: ${BYOASN_WITH_CLOUDFRONT}`);
    else if (state !== 'provisioned' && state !== 'advertised') problems.push(`input.cidrs[${i}]: ${cidr} is ${state}; it must be provisioned or advertised`);
  });
  if (problems.length) throw inputInvalid(`byoasn-onboard cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  const asn = (await byoasns(input.region, input.ipamId)).get(input.asn);
  const asnState = asn?.State ?? 'absent';
  if (asnState === 'pending-deprovision' || asnState === 'failed-deprovision') {
    throw inputInvalid(`input.asn: AS${input.asn} is ${asnState} in IPAM ${input.ipamId}; wait until it is deprovisioned, then onboard it again`);
  }
  const associatedBefore = input.cidrs.filter((c) => ['pending-association', 'associated'].includes(associationOf(all.get(c), input.asn)?.State ?? ''));
  const advertisedBefore = input.cidrs.filter((c) => all.get(c)?.State === 'advertised');
  return {
    asnState,
    asnProvisionedBefore: asnState === 'provisioned' || asnState === 'pending-provision',
    associatedBefore,
    advertisedBefore,
  };
});
