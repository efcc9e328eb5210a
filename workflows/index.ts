/** Every workflow the project ships. asl/<name>.asl.json is generated from each (npm run build:asl). */
import { asnSwap } from './asn-swap';
import { byoasnOnboard } from './byoasn-onboard';
import { byoasnTeardown } from './byoasn-teardown';
import { vpcOriginShare } from './vpc-origin-share';
import { vpcOriginTeardown } from './vpc-origin-teardown';
import type { WorkflowDefinition } from './lib/workflow';
import { onboardCloudfrontByoip } from './onboard-cloudfront-byoip';
import { originRangesSync } from './origin-ranges-sync';
import { staticIpByoip } from './static-ip-byoip';
import { teardownCloudfrontByoip } from './teardown-cloudfront-byoip';
import { teardownStaticIpByoip } from './teardown-static-ip-byoip';

export const workflows: WorkflowDefinition[] = [
  onboardCloudfrontByoip,
  teardownCloudfrontByoip,
  byoasnOnboard,
  asnSwap,
  byoasnTeardown,
  staticIpByoip,
  teardownStaticIpByoip,
  originRangesSync,
  vpcOriginShare,
  vpcOriginTeardown,
];

export function workflowByName(name: string): WorkflowDefinition {
  const wf = workflows.find((w) => w.name === name);
  if (!wf) throw new Error(`unknown workflow "${name}"; known: ${workflows.map((w) => w.name).join(', ')}`);
  return wf;
}
