/** Every workflow the project ships. asl/<name>.asl.json is generated from each (npm run build:asl). */
import { onboardCloudfrontByoip } from './onboard-cloudfront-byoip';
import { teardownCloudfrontByoip } from './teardown-cloudfront-byoip';
import { vpcOriginShare } from './vpc-origin-share';
import { vpcOriginTeardown } from './vpc-origin-teardown';
import type { WorkflowDefinition } from './lib/workflow';

export const workflows: WorkflowDefinition[] = [onboardCloudfrontByoip, teardownCloudfrontByoip, vpcOriginShare, vpcOriginTeardown];

export function workflowByName(name: string): WorkflowDefinition {
  const wf = workflows.find((w) => w.name === name);
  if (!wf) throw new Error(`unknown workflow "${name}"; known: ${workflows.map((w) => w.name).join(', ')}`);
  return wf;
}
