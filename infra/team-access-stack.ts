/**
 * Deployed by each team account (not the orchestrator's): the role the cross-account tasks assume,
 * trusted only by the orchestrator account's task roles and allowing only what those tasks do there.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { CROSS_ACCOUNT_ACTIONS } from './task-permissions';

export interface TeamAccessStackProps extends StackProps {
  /** The account where the orchestrator runs. */
  readonly orchestratorAccount: string;
  readonly roleName: string;
}

export class TeamAccessStack extends Stack {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: TeamAccessStackProps) {
    super(scope, id, props);
    this.role = new iam.Role(this, 'TeamAccessRole', {
      roleName: props.roleName,
      description: 'Assumed by byoip-orchestrator task roles to create and share this team\'s CloudFront VPC origins',
      assumedBy: new iam.AccountPrincipal(props.orchestratorAccount).withConditions({
        ArnLike: { 'aws:PrincipalArn': `arn:${this.partition}:iam::${props.orchestratorAccount}:role/*` },
        StringEquals: { 'aws:PrincipalTag/byoip-orchestrator': 'task' },
      }),
      maxSessionDuration: undefined,
    });
    // List* and RAM calls accept only "*"; VPC-origin calls are scoped to this account's VPC origins.
    const vpcOriginScoped = CROSS_ACCOUNT_ACTIONS.filter((a) => a.startsWith('cloudfront:') && !a.startsWith('cloudfront:List'));
    this.role.addToPolicy(new iam.PolicyStatement({
      sid: 'VpcOrigins', actions: vpcOriginScoped, resources: [`arn:${this.partition}:cloudfront::${this.account}:vpcorigin/*`],
    }));
    this.role.addToPolicy(new iam.PolicyStatement({
      sid: 'ListsAndShares', actions: CROSS_ACCOUNT_ACTIONS.filter((a) => !vpcOriginScoped.includes(a)), resources: ['*'],
    }));
  }
}
