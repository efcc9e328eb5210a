/**
 * CloudFormation, minimally: the orchestrator's stack as DescribeStacks shows it (status and outputs),
 * for `byoip doctor`. By default the world has the stack deployed, named by its deployment
 * configuration, with the state table the simulator models; a world may describe others (or none).
 */
import { StackStatus } from '@aws-sdk/client-cloudformation';
import type * as CloudFormation from '@aws-sdk/client-cloudformation';
import * as z from 'zod';
import { awsError } from '../../aws-error';
import type { SdkServiceModel } from '../../sdk-operations';
import { STATE_TABLE } from '../dynamodb';

const StackSeed = z
  .object({
    name: z.string(),
    status: z.enum(StackStatus).default('CREATE_COMPLETE'),
    account: z.string().optional(),
    region: z.string().optional(),
    outputs: z.record(z.string(), z.string()).default({}),
  })
  .strict();
export const CloudFormationWorldSection = z.object({ stacks: z.array(StackSeed).optional() }).strict();

interface SimStack {
  name: string;
  status: StackStatus;
  account: string;
  region: string;
  outputs: Record<string, string>;
  id: string;
  created: number;
}

export const cloudFormationModel: SdkServiceModel<{ stacks: SimStack[] }, typeof CloudFormation> = {
  key: 'cloudformation',
  service: 'CloudFormation',
  seed(world) {
    const section = CloudFormationWorldSection.parse(world.cloudformation ?? {});
    const seeds = section.stacks ?? [
      {
        name: world.deployment.stackName,
        status: 'CREATE_COMPLETE',
        outputs: { StateTableName: STATE_TABLE, OperatorsTopicArn: `arn:aws:sns:${world.defaultRegion}:${world.defaultAccount}:byoip-operators` },
      },
    ];
    return {
      stacks: seeds.map((s, i) => {
        const account = s.account ?? world.defaultAccount;
        const region = s.region ?? world.defaultRegion;
        return {
          name: s.name,
          status: s.status ?? 'CREATE_COMPLETE',
          outputs: s.outputs ?? {},
          account,
          region,
          created: Date.parse(world.startTime),
          id: `arn:aws:cloudformation:${region}:${account}:stack/${s.name}/0000000${i}-sim0-0000-0000-000000000000`,
        };
      }),
    };
  },
  operations: {
    DescribeStacks(ctx, input) {
      const mine = ctx.state.stacks.filter(
        (s) => s.account === ctx.account && s.region === ctx.region && (!input.StackName || s.name === input.StackName || s.id === input.StackName),
      );
      if (input.StackName && mine.length === 0) throw awsError('ValidationError', `Stack with id ${input.StackName} does not exist`);
      return {
        Stacks: mine.map((s) => ({
          StackName: s.name,
          StackId: s.id,
          StackStatus: s.status,
          CreationTime: new Date(s.created),
          Outputs: Object.entries(s.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        })),
      };
    },
  },
};
