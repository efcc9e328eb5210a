/**
 * The simulated CloudFront VPC origins, AWS RAM and the edge behave as the AWS docs describe where the
 * vpc-origin workflows depend on it. Calls go through the real SDK v3 clients, as the tasks' do.
 */
import {
  CloudFrontClient,
  CreateVpcOriginCommand,
  DeleteVpcOriginCommand,
  GetDistributionConfigCommand,
  GetVpcOriginCommand,
  ListDistributionsByOwnedResourceCommand,
  ListDistributionsByVpcOriginIdCommand,
  UpdateDistributionCommand,
  UpdateVpcOriginCommand,
} from '@aws-sdk/client-cloudfront';
import {
  AcceptResourceShareInvitationCommand,
  CreateResourceShareCommand,
  DeleteResourceShareCommand,
  GetResourceShareAssociationsCommand,
  GetResourceShareInvitationsCommand,
  ListResourcesCommand,
  RAMClient,
} from '@aws-sdk/client-ram';
import { addTeams, removeTeams, type TeamAddition } from '../../domain/vpc-origins';
import { client } from '../../platform/aws';
import { httpRequest } from '../../platform/http';
import type { Simulator } from '../../sim';
import { exampleSim, within } from '../support/world';

const NET = '111122223333';
const TEAM_A = '444455556666';
const ROLE_A = `arn:aws:iam::${TEAM_A}:role/byoip-orchestrator-team-access`;
const ALB_A = `arn:aws:elasticloadbalancing:us-east-1:${TEAM_A}:loadbalancer/app/team-a-internal/0a0a0a0a0a0a0a0a`;
const DIST = 'E3EXAMPLETEAMS03';

const cf = (roleArn?: string) => client(CloudFrontClient, { region: 'us-east-1', roleArn });
const ram = (roleArn?: string) => client(RAMClient, { region: 'us-east-1', roleArn });
const endpoint = (name = 'team-a-vpc-origin') => ({
  Name: name,
  Arn: ALB_A,
  HTTPPort: 80,
  HTTPSPort: 443,
  OriginProtocolPolicy: 'https-only' as const,
  OriginSslProtocols: { Quantity: 1, Items: ['TLSv1.2' as const] },
});

async function createOrigin(_sim: Simulator) {
  const out = await cf(ROLE_A).send(new CreateVpcOriginCommand({ VpcOriginEndpointConfig: endpoint() }));
  return out.VpcOrigin!;
}

async function shareAndAccept(arn: string) {
  const share = (await ram(ROLE_A).send(new CreateResourceShareCommand({ name: 'cloudfront-vpc-origin-team-a', resourceArns: [arn], principals: [NET] })))
    .resourceShare!;
  const inv = (await ram().send(new GetResourceShareInvitationsCommand({ resourceShareArns: [share.resourceShareArn!] }))).resourceShareInvitations![0];
  await ram().send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: inv.resourceShareInvitationArn }));
  return share;
}

function addition(vpcOriginId: string, vpcOriginArn: string): TeamAddition {
  return {
    team: 'team-a',
    originId: 'vpc-team-a',
    vpcOriginId,
    vpcOriginArn,
    ownerAccountId: TEAM_A,
    albDnsName: 'internal-team-a-internal-1234567890.us-east-1.elb.amazonaws.com',
    host: 'team-a.example.com',
    pathPattern: '/team-a/*',
    probePath: '/team-a/health',
    httpsPort: 443,
  };
}

async function updateConfig(change: (config: any) => any) {
  const current = await cf().send(new GetDistributionConfigCommand({ Id: DIST }));
  return cf().send(new UpdateDistributionCommand({ Id: DIST, IfMatch: current.ETag, DistributionConfig: change(current.DistributionConfig) }));
}

describe('simulated CloudFront VPC origins', () => {
  it('go Deploying → Deployed after the modelled time, with unique names and IfMatch deletes', async () => {
    const sim = exampleSim({ timings: { vpcOriginDeploy: 900 } });
    await within(sim, async () => {
      const vo = await createOrigin(sim);
      expect(vo).toMatchObject({ Status: 'Deploying', AccountId: TEAM_A, Arn: `arn:aws:cloudfront::${TEAM_A}:vpcorigin/${vo.Id}` });
      await expect(cf(ROLE_A).send(new CreateVpcOriginCommand({ VpcOriginEndpointConfig: endpoint() }))).rejects.toMatchObject({ name: 'EntityAlreadyExists' });
      const get = () => cf(ROLE_A).send(new GetVpcOriginCommand({ Id: vo.Id }));
      await expect(cf(ROLE_A).send(new DeleteVpcOriginCommand({ Id: vo.Id, IfMatch: (await get()).ETag }))).rejects.toMatchObject({ name: 'IllegalDelete' });
      await sim.clock.sleep(899_000);
      expect((await get()).VpcOrigin?.Status).toBe('Deploying');
      await sim.clock.sleep(1_000);
      expect((await get()).VpcOrigin?.Status).toBe('Deployed');
      // Another account can't see or use it by id alone.
      await expect(cf().send(new GetVpcOriginCommand({ Id: vo.Id }))).rejects.toMatchObject({ name: 'EntityNotFound' });
      await expect(cf(ROLE_A).send(new DeleteVpcOriginCommand({ Id: vo.Id } as never))).rejects.toMatchObject({ name: 'InvalidIfMatchVersion' });
      await expect(cf(ROLE_A).send(new DeleteVpcOriginCommand({ Id: vo.Id, IfMatch: 'E0STALE' }))).rejects.toMatchObject({
        name: 'PreconditionFailed',
        $metadata: { httpStatusCode: 412 },
      });
      const deleted = await cf(ROLE_A).send(new DeleteVpcOriginCommand({ Id: vo.Id, IfMatch: (await get()).ETag }));
      expect(deleted.VpcOrigin?.Status).toBe('Deleting');
      await sim.clock.sleep(300_000);
      await expect(get()).rejects.toMatchObject({ name: 'EntityNotFound' });
    });
  });

  it('refuse an internet-facing or foreign load balancer, and a role the account does not trust', async () => {
    const sim = exampleSim({ elbv2: { loadBalancers: [{ arn: ALB_A, account: TEAM_A, dnsName: 'team-a.elb', scheme: 'internet-facing' }] } });
    await within(sim, async () => {
      await expect(cf(ROLE_A).send(new CreateVpcOriginCommand({ VpcOriginEndpointConfig: endpoint() }))).rejects.toMatchObject({
        name: 'InvalidArgument',
        message: expect.stringMatching(/internet-facing/),
      });
      await expect(cf().send(new CreateVpcOriginCommand({ VpcOriginEndpointConfig: endpoint() }))).rejects.toMatchObject({
        name: 'InvalidArgument',
        message: expect.stringMatching(/own account/),
      });
      await expect(cf(`arn:aws:iam::${TEAM_A}:role/not-trusted`).send(new GetVpcOriginCommand({ Id: 'vo_x' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    });
  });

  it('can be used by another account only with OwnerAccountId and an accepted share; 409 while attached', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      const vo = await createOrigin(sim);
      const add = (a: TeamAddition) => (config: any) => addTeams(config, [a]).config;
      // Deploying origins are refused; so is a shared origin referenced without its owner.
      await sim.clock.sleep(900_000);
      const withoutOwner = (config: any) => {
        const next = addTeams(config, [addition(vo.Id!, vo.Arn!)]).config;
        delete next.Origins.Items.at(-1).VpcOriginConfig.OwnerAccountId;
        return next;
      };
      await expect(updateConfig(withoutOwner)).rejects.toMatchObject({ name: 'EntityNotFound', $metadata: { httpStatusCode: 404 } });
      await expect(updateConfig(add(addition(vo.Id!, vo.Arn!)))).rejects.toMatchObject({
        name: 'AccessDenied',
        message: expect.stringMatching(/not shared with account 111122223333/),
      });
      const share = (
        await ram(ROLE_A).send(new CreateResourceShareCommand({ name: 'cloudfront-vpc-origin-team-a', resourceArns: [vo.Arn!], principals: [NET] }))
      ).resourceShare!;
      await sim.clock.sleep(60_000);
      await expect(updateConfig(add(addition(vo.Id!, vo.Arn!)))).rejects.toMatchObject({ name: 'AccessDenied' }); // invitation still pending
      const inv = (await ram().send(new GetResourceShareInvitationsCommand({ resourceShareArns: [share.resourceShareArn!] }))).resourceShareInvitations![0];
      expect(inv).toMatchObject({ status: 'PENDING', senderAccountId: TEAM_A, receiverAccountId: NET });
      await ram().send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: inv.resourceShareInvitationArn }));
      await sim.clock.sleep(5_000);
      const listed = await ram().send(new ListResourcesCommand({ resourceOwner: 'OTHER-ACCOUNTS', resourceArns: [vo.Arn!] }));
      expect(listed.resources).toEqual([expect.objectContaining({ arn: vo.Arn, type: 'cloudfront:VpcOrigin', status: 'AVAILABLE' })]);
      await updateConfig(add(addition(vo.Id!, vo.Arn!)));
      await sim.clock.sleep(300_000);

      // The owner sees who uses it and can't change or delete it while attached.
      const users = await cf(ROLE_A).send(new ListDistributionsByOwnedResourceCommand({ ResourceArn: vo.Arn }));
      expect(users.DistributionList?.Items).toEqual([{ DistributionId: DIST, OwnerAccountId: NET }]);
      expect((await cf().send(new ListDistributionsByVpcOriginIdCommand({ VpcOriginId: vo.Id }))).DistributionIdList?.Items).toEqual([DIST]);
      const etag = async () => (await cf(ROLE_A).send(new GetVpcOriginCommand({ Id: vo.Id }))).ETag;
      await expect(cf(ROLE_A).send(new DeleteVpcOriginCommand({ Id: vo.Id, IfMatch: await etag() }))).rejects.toMatchObject({
        name: 'CannotDeleteEntityWhileInUse',
        $metadata: { httpStatusCode: 409 },
      });
      await expect(
        cf(ROLE_A).send(new UpdateVpcOriginCommand({ Id: vo.Id, IfMatch: await etag(), VpcOriginEndpointConfig: { ...endpoint(), HTTPSPort: 8443 } })),
      ).rejects.toMatchObject({ name: 'CannotUpdateEntityWhileInUse' });

      // Unshared while attached: the distribution can't be edited unless the edit removes the origin.
      await ram(ROLE_A).send(new DeleteResourceShareCommand({ resourceShareArn: share.resourceShareArn }));
      await sim.clock.sleep(10_000);
      await expect(updateConfig((c) => ({ ...c, Comment: 'unrelated change' }))).rejects.toMatchObject({ name: 'AccessDenied' });
      await updateConfig((c) => removeTeams(c, [{ vpcOriginIds: [vo.Id!], aliases: ['team-a.example.com'] }]).config);
      // Still referenced at the edge until the removal is Deployed.
      await expect(cf(ROLE_A).send(new DeleteVpcOriginCommand({ Id: vo.Id, IfMatch: await etag() }))).rejects.toMatchObject({
        name: 'CannotDeleteEntityWhileInUse',
      });
      await sim.clock.sleep(300_000);
      expect((await cf(ROLE_A).send(new ListDistributionsByOwnedResourceCommand({ ResourceArn: vo.Arn }))).DistributionList?.Items).toEqual([]);
      await cf(ROLE_A).send(new DeleteVpcOriginCommand({ Id: vo.Id, IfMatch: await etag() }));
    });
  });

  it('validates behaviours, origins and aliases in UpdateDistribution', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      const behavior = (b: any) => (c: any) => ({ ...c, CacheBehaviors: { Quantity: 1, Items: [{ ...c.CacheBehaviors.Items[0], ...b }] } });
      await expect(updateConfig(behavior({ TargetOriginId: 'nope' }))).rejects.toMatchObject({ name: 'NoSuchOrigin' });
      await expect(updateConfig(behavior({ PathPattern: 'team c/*' }))).rejects.toMatchObject({
        name: 'InvalidArgument',
        message: expect.stringMatching(/path pattern/),
      });
      await expect(updateConfig((c) => ({ ...c, CacheBehaviors: { Quantity: 2, Items: c.CacheBehaviors.Items } }))).rejects.toMatchObject({
        name: 'InconsistentQuantities',
      });
      await expect(updateConfig((c) => ({ ...c, Aliases: { Quantity: 1, Items: ['www.example.com'] } }))).rejects.toMatchObject({
        name: 'CNAMEAlreadyExists',
        $metadata: { httpStatusCode: 409 },
      });
      await expect(updateConfig((c) => ({ ...c, DefaultCacheBehavior: { ...c.DefaultCacheBehavior, TargetOriginId: 'gone' } }))).rejects.toMatchObject({
        name: 'NoSuchOrigin',
      });
    });
  });
});

describe('simulated AWS RAM', () => {
  it('expires a CloudFront VPC origin invitation after 12 hours; the principal association fails', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      const vo = await createOrigin(sim);
      await expect(
        ram(ROLE_A).send(
          new CreateResourceShareCommand({ name: 'x', resourceArns: [`arn:aws:cloudfront::${TEAM_A}:vpcorigin/vo_missing`], principals: [NET] }),
        ),
      ).rejects.toMatchObject({ name: 'UnknownResourceException' });
      await expect(
        client(RAMClient, { region: 'eu-west-1', roleArn: ROLE_A }).send(
          new CreateResourceShareCommand({ name: 'x', resourceArns: [vo.Arn!], principals: [NET] }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringMatching(/us-east-1/) });
      const share = (
        await ram(ROLE_A).send(
          new CreateResourceShareCommand({ name: 'cloudfront-vpc-origin-team-a', resourceArns: [vo.Arn!], principals: [NET], clientToken: 't1' }),
        )
      ).resourceShare!;
      // Same client token, same request: the same share; other parameters: a mismatch.
      expect(
        (
          await ram(ROLE_A).send(
            new CreateResourceShareCommand({ name: 'cloudfront-vpc-origin-team-a', resourceArns: [vo.Arn!], principals: [NET], clientToken: 't1' }),
          )
        ).resourceShare?.resourceShareArn,
      ).toBe(share.resourceShareArn);
      await expect(
        ram(ROLE_A).send(new CreateResourceShareCommand({ name: 'other', resourceArns: [vo.Arn!], principals: [NET], clientToken: 't1' })),
      ).rejects.toMatchObject({ name: 'IdempotentParameterMismatchException' });
      const invitation = async () =>
        (await ram().send(new GetResourceShareInvitationsCommand({ resourceShareArns: [share.resourceShareArn!] }))).resourceShareInvitations![0];
      await sim.clock.sleep(12 * 3600_000 - 1_000);
      expect((await invitation()).status).toBe('PENDING');
      await sim.clock.sleep(1_000);
      expect((await invitation()).status).toBe('EXPIRED');
      await expect(
        ram().send(new AcceptResourceShareInvitationCommand({ resourceShareInvitationArn: (await invitation()).resourceShareInvitationArn })),
      ).rejects.toMatchObject({ name: 'ResourceShareInvitationExpiredException' });
      const principals = await ram(ROLE_A).send(
        new GetResourceShareAssociationsCommand({ associationType: 'PRINCIPAL', resourceShareArns: [share.resourceShareArn!] }),
      );
      expect(principals.resourceShareAssociations?.map((a) => [a.associatedEntity, a.status])).toEqual([[NET, 'FAILED']]);
    });
  });

  it('goes PENDING → ACCEPTED and makes the resource AVAILABLE to the consumer only', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      const vo = await createOrigin(sim);
      const share = await shareAndAccept(vo.Arn!);
      await expect(
        ram().send(
          new AcceptResourceShareInvitationCommand({
            resourceShareInvitationArn: (await ram().send(new GetResourceShareInvitationsCommand({}))).resourceShareInvitations![0].resourceShareInvitationArn,
          }),
        ),
      ).rejects.toMatchObject({ name: 'ResourceShareInvitationAlreadyAcceptedException' });
      await sim.clock.sleep(5_000);
      const seenBy = async (roleArn?: string) => (await ram(roleArn).send(new ListResourcesCommand({ resourceOwner: 'OTHER-ACCOUNTS' }))).resources ?? [];
      // team-c's origin was shared with the networking account last quarter (world.json).
      expect((await seenBy()).map((r) => r.arn).sort()).toEqual([vo.Arn, 'arn:aws:cloudfront::666677778888:vpcorigin/vo_TeamC0Example01'].sort());
      expect(await seenBy(ROLE_A)).toEqual([]);
      await ram(ROLE_A).send(new DeleteResourceShareCommand({ resourceShareArn: share.resourceShareArn }));
      await sim.clock.sleep(5_000);
      expect((await seenBy()).map((r) => r.arn)).toEqual(['arn:aws:cloudfront::666677778888:vpcorigin/vo_TeamC0Example01']);
    });
  });
});

describe('simulated CloudFront edge', () => {
  it('routes by Host through the aliases and path through the behaviours to the team ALB, which checks Host', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      // team-c.example.com is a Route 53 alias of the distribution; its ALB answers only for its own host.
      const ok = await httpRequest({ url: 'https://team-c.example.com/team-c/report/7' });
      expect(ok).toMatchObject({ status: 200, body: '{"team":"team-c","service":"reports"}' });
      // A host that is not an alias of the distribution: CloudFront itself refuses.
      const foreign = await httpRequest({ url: 'https://team-a.example.com/team-c/report/7', connectTo: 'd3teams0example.cloudfront.net' });
      expect(foreign.status).toBe(403);
      // A host the distribution serves (wildcard alias) reaches team-c's ALB by path, which refuses the Host.
      await updateConfig((c) => ({ ...c, Aliases: { Quantity: 2, Items: [...c.Aliases.Items, '*.example.com'] } }));
      expect((await httpRequest({ url: 'https://team-z.example.com/team-c/x', connectTo: 'd3teams0example.cloudfront.net' })).status).toBe(403); // not deployed yet
      await sim.clock.sleep(300_000);
      const mismatch = await httpRequest({ url: 'https://team-z.example.com/team-c/x', connectTo: 'd3teams0example.cloudfront.net' });
      expect(mismatch).toMatchObject({ status: 404, body: 'Not Found' });
      // Without an origin request policy that forwards Host, the ALB sees its own name: nothing matches.
      await updateConfig((c) => ({
        ...c,
        CacheBehaviors: { Quantity: 1, Items: [{ ...c.CacheBehaviors.Items[0], OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac' }] },
      }));
      await sim.clock.sleep(300_000);
      expect((await httpRequest({ url: 'https://team-c.example.com/team-c/report/7' })).status).toBe(404);
      await expect(httpRequest({ url: 'https://unknown.example.com/' })).rejects.toMatchObject({ code: 'ENOTFOUND' });
    });
    expect(sim.httpRequests.map((r) => r.status)).toEqual([200, 403, 403, 404, 404, 0]);
  });
});
