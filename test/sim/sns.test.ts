/** The simulated SNS, through the real SDK client: the approvals topic, Publish's validation, email delivery with filter policies. */
import { GetTopicAttributesCommand, NotFoundException, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { client } from '../../platform/aws';
import type { SnsState } from '../../sim/services/sns';
import { exampleSim, within } from '../support/world';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:byoip-orchestrator-approvals';

const sns = () => client(SNSClient, { region: 'us-east-1' });

describe('simulated SNS', () => {
  it("has the approvals topic, KMS-encrypted, with the world's email subscriptions (one per configured approver)", async () => {
    const sim = exampleSim();
    const attrs = await within(sim, () => sns().send(new GetTopicAttributesCommand({ TopicArn: TOPIC })));
    expect(attrs.Attributes).toMatchObject({
      TopicArn: TOPIC,
      KmsMasterKeyId: expect.stringMatching(/^arn:aws:kms:/),
      SubscriptionsConfirmed: String(sim.world.deployment.approvers.length),
    });
  });

  it('delivers a published message to confirmed email subscribers whose filter policy matches', async () => {
    const sim = exampleSim({
      sns: {
        topics: [
          {
            name: 'byoip-orchestrator-approvals',
            subscriptions: [
              { protocol: 'email', endpoint: 'alice@example.com', filterPolicy: { approvers: ['alice@example.com'] } },
              { protocol: 'email', endpoint: 'bob@example.com', filterPolicy: { approvers: ['bob@example.com'] } },
              { protocol: 'email', endpoint: 'audit@example.com' },
              { protocol: 'email', endpoint: 'new@example.com', confirmed: false },
            ],
          },
        ],
      },
    });
    const out = await within(sim, () =>
      sns().send(
        new PublishCommand({
          TopicArn: TOPIC,
          Subject: 'Approval needed',
          Message: 'plan\nlink',
          MessageAttributes: { approvers: { DataType: 'String.Array', StringValue: JSON.stringify(['alice@example.com']) } },
        }),
      ),
    );
    expect(out.MessageId).toBeTruthy();
    const state = sim.state<SnsState>('sns');
    expect(state.messages).toEqual([
      expect.objectContaining({ subject: 'Approval needed', message: 'plan\nlink', attributes: { approvers: '["alice@example.com"]' } }),
    ]);
    expect(state.emails.map((e) => e.to)).toEqual(['alice@example.com', 'audit@example.com']);
    expect(state.emails[0]).toMatchObject({ subject: 'Approval needed', body: 'plan\nlink', messageId: out.MessageId });
  });

  it('refuses what SNS refuses: unknown topics, bad subjects, empty or oversized messages', async () => {
    const sim = exampleSim();
    await within(sim, async () => {
      const publish = (input: Partial<ConstructorParameters<typeof PublishCommand>[0]>) =>
        sns().send(new PublishCommand({ TopicArn: TOPIC, Message: 'm', ...input }));
      const missing = publish({ TopicArn: 'arn:aws:sns:us-east-1:111122223333:nope' });
      await expect(missing).rejects.toBeInstanceOf(NotFoundException);
      await expect(missing).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
      await expect(publish({ Subject: 'two\nlines' })).rejects.toMatchObject({ name: 'InvalidParameterException', message: 'Invalid parameter: Subject' });
      await expect(publish({ Subject: 'x'.repeat(100) })).rejects.toMatchObject({ name: 'InvalidParameterException' });
      await expect(publish({ Message: '' })).rejects.toMatchObject({ message: 'Invalid parameter: Empty message' });
      await expect(publish({ Message: 'x'.repeat(262_145) })).rejects.toMatchObject({ message: 'Invalid parameter: Message too long' });
      await expect(publish({ MessageAttributes: { a: { DataType: 'String.Array', StringValue: 'nope' } } })).rejects.toMatchObject({
        name: 'InvalidParameterException',
      });
    });
    expect(sim.state<SnsState>('sns').messages).toHaveLength(0);
  });

  it('keeps the approval link key out of the report, like every secret', () => {
    const snap = exampleSim().snapshot() as any;
    expect(snap.secretsmanager.secrets.map((s: any) => s.name)).toContain('byoip-orchestrator/approval-link-key');
    expect(JSON.stringify(snap.secretsmanager)).not.toMatch(/"value"/);
  });
});
