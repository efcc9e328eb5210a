/**
 * Deployed by each team account (not the orchestrator's): the role the cross-account tasks assume.
 *  - Trust: exactly the orchestrator's cross-account task roles, by ARN (their names are fixed,
 *    infra/iam-scopes.ts crossAccountRoleName), nothing else in that account and no tag anyone could set.
 *    Deploy the orchestrator first: IAM checks that a trusted role exists.
 *  - Permissions: only what those tasks do here (CROSS_ACCOUNT_ACTIONS), VPC-origin calls on this
 *    account's VPC origins, and RAM shares of those VPC origins with the networking account only.
 */
import { CfnParameter, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { CROSS_ACCOUNT_ACTIONS } from './task-permissions';

export interface TeamAccessStackProps extends StackProps {
  /**
   * The account where the orchestrator runs: the networking account that receives the shares. Without
   * it the stack takes the OrchestratorAccountId parameter, which has no default, so a deploy must name it.
   */
  readonly orchestratorAccount?: string;
  readonly roleName: string;
  /** Names of the orchestrator's roles that assume this one (its cross-account task roles). */
  readonly callerRoleNames: readonly string[];
}

/** RAM actions that name principals: granted only for the networking account. */
const SHARING = ['ram:CreateResourceShare', 'ram:DisassociateResourceShare'];
/** RAM actions on a share itself: only this account's shares. */
const SHARE_SCOPED = ['ram:DeleteResourceShare', 'ram:TagResource'];

export class TeamAccessStack extends Stack {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: TeamAccessStackProps) {
    super(scope, id, props);
    if (props.callerRoleNames.length === 0) throw new Error('the team-access role needs the orchestrator roles it trusts');
    const orchestratorAccount =
      props.orchestratorAccount ??
      new CfnParameter(this, 'OrchestratorAccountId', {
        type: 'String',
        allowedPattern: '^\\d{12}$',
        constraintDescription: 'the 12-digit account the orchestrator runs in (byoip.orchestratorAccountId)',
        description: 'The account where ByoipOrchestrator runs; its cross-account task roles are trusted, and VPC origins are shared with it only.',
      }).valueAsString;
    const callers = props.callerRoleNames.map((name) => new iam.ArnPrincipal(`arn:${this.partition}:iam::${orchestratorAccount}:role/${name}`));
    this.role = new iam.Role(this, 'TeamAccessRole', {
      roleName: props.roleName,
      description: "Assumed by byoip-orchestrator's cross-account task roles to create and share this team's CloudFront VPC origins",
      assumedBy: new iam.CompositePrincipal(...callers),
    });
    const vpcOrigins = `arn:${this.partition}:cloudfront::${this.account}:vpcorigin/*`;
    // VPC-origin calls are scoped to this account's VPC origins; List* calls and CreateVpcOrigin accept only "*".
    const vpcOriginScoped = CROSS_ACCOUNT_ACTIONS.filter(
      (a) => a.startsWith('cloudfront:') && !a.startsWith('cloudfront:List') && a !== 'cloudfront:CreateVpcOrigin',
    );
    this.role.addToPolicy(new iam.PolicyStatement({ sid: 'VpcOrigins', actions: vpcOriginScoped, resources: [vpcOrigins] }));
    // RAM authorizes each principal and each resource of a request on its own (ram:Principal is absent
    // when a resource is checked, ram:ResourceArn when a principal is), hence the IfExists operators.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ShareVpcOriginsWithTheNetworkingAccountOnly',
        actions: SHARING.filter((a) => CROSS_ACCOUNT_ACTIONS.includes(a)),
        resources: ['*'],
        conditions: {
          StringEqualsIfExists: { 'ram:Principal': orchestratorAccount },
          StringLikeIfExists: { 'ram:ResourceArn': vpcOrigins },
        },
      }),
    );
    const shares = CROSS_ACCOUNT_ACTIONS.filter((a) => SHARE_SCOPED.includes(a));
    this.role.addToPolicy(
      new iam.PolicyStatement({ sid: 'ThisAccountsShares', actions: shares, resources: [`arn:${this.partition}:ram:*:${this.account}:resource-share/*`] }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ListsAndReads',
        actions: CROSS_ACCOUNT_ACTIONS.filter((a) => !vpcOriginScoped.includes(a) && !SHARING.includes(a) && !shares.includes(a)),
        resources: ['*'],
      }),
    );
  }
}
