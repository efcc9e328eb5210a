/**
 * Amazon SNS, for the approval emails: topics (KMS-encrypted, as infra creates them), Publish with
 * the service's validation (subject, size, attributes), and delivery to confirmed email
 * subscriptions with filter policies. Every published message and every delivered email is kept, so
 * tests and reports can read "the email".
 */
import type * as SNS from '@aws-sdk/client-sns';
import * as z from 'zod';
import { APPROVAL_TOPIC_NAME } from '../../../domain/approval';
import { awsError } from '../../aws-error';
import { page } from '../../paging';
import type { SdkServiceModel } from '../../sdk-operations';
import type { OpContext } from '../../simulator';

const SubscriptionSeed = z.object({
  protocol: z.literal('email', { error: 'only email subscriptions are simulated' }),
  endpoint: z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address'),
  /** An SNS filter policy on message attributes, e.g. {"approvers": ["alice@example.com"]}. */
  filterPolicy: z.record(z.string(), z.array(z.string())).optional(),
  /** Email subscriptions deliver nothing until the recipient confirms. */
  confirmed: z.boolean().default(true),
});

const TopicSeed = z.object({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1-256 letters, digits, hyphens or underscores'),
  account: z.string().optional(),
  region: z.string().optional(),
  kmsMasterKeyId: z.string().optional(),
  subscriptions: z.array(SubscriptionSeed).default([]),
});
export const SnsWorldSection = z.object({ topics: z.array(TopicSeed).default([]) });

export interface SimTopic {
  name: string;
  arn: string;
  account: string;
  region: string;
  kmsMasterKeyId?: string;
  subscriptions: Array<z.infer<typeof SubscriptionSeed> & { arn: string }>;
}

export interface SnsMessage {
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  /** String values; String.Array values as their JSON text, as SNS passes them on. */
  attributes: Record<string, string>;
  at: number;
}

export interface SimEmail {
  to: string;
  subject: string;
  body: string;
  messageId: string;
  at: number;
}

export interface SnsState {
  topics: SimTopic[];
  messages: SnsMessage[];
  emails: SimEmail[];
}

const MAX_MESSAGE_BYTES = 262_144;

function topicArn(region: string, account: string, name: string): string {
  return `arn:aws:sns:${region}:${account}:${name}`;
}

function findTopic(ctx: OpContext<SnsState>, arn: string | undefined): SimTopic {
  const t = ctx.state.topics.find((x) => x.arn === arn && x.account === ctx.account && x.region === ctx.region);
  if (!t) throw awsError('NotFoundException', 'Topic does not exist', 404);
  return t;
}

function invalid(what: string): never {
  throw awsError('InvalidParameterException', `Invalid parameter: ${what}`, 400);
}

function readAttributes(raw: Record<string, { DataType?: string; StringValue?: string }> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = Object.entries(raw ?? {});
  if (entries.length > 10) invalid('MessageAttributes: at most 10 attributes');
  for (const [name, v] of entries) {
    if (!/^[A-Za-z0-9_.-]{1,256}$/.test(name) || name.startsWith('AWS.') || name.startsWith('Amazon.')) invalid(`Message attribute name ${name}`);
    if (!v?.DataType || !/^(String|Number|Binary|String\.Array)(\..+)?$/.test(v.DataType)) invalid(`Message attribute ${name} has an invalid type`);
    if (v.DataType === 'String.Array') {
      try {
        if (!Array.isArray(JSON.parse(v.StringValue ?? ''))) throw new Error();
      } catch {
        invalid(`Message attribute ${name} must be a JSON array`);
      }
    }
    if (v.StringValue === undefined) invalid(`Message attribute ${name} must have a value`);
    out[name] = v.StringValue;
  }
  return out;
}

/** SNS filter policies, exact-match subset: every policy key must match the attribute (any element for arrays). */
function matchesFilter(policy: Record<string, string[]> | undefined, attributes: Record<string, string>): boolean {
  if (!policy) return true;
  return Object.entries(policy).every(([key, allowed]) => {
    const value = attributes[key];
    if (value === undefined) return false;
    let values: unknown[] = [value];
    try {
      const parsed = JSON.parse(value);
      if (Array.isArray(parsed)) values = parsed;
    } catch {
      // a plain string
    }
    return values.some((v) => allowed.includes(String(v)));
  });
}

export const snsModel: SdkServiceModel<SnsState, typeof SNS> = {
  key: 'sns',
  service: 'SNS',
  seed(world) {
    const section = SnsWorldSection.parse(world.sns ?? {});
    const seeds = section.topics.some((t) => t.name === APPROVAL_TOPIC_NAME && (t.account ?? world.defaultAccount) === world.defaultAccount)
      ? section.topics
      : // infra creates the approvals topic (KMS-encrypted); a world need not list it
        [{ name: APPROVAL_TOPIC_NAME, subscriptions: [] }, ...section.topics];
    return {
      topics: seeds.map((s) => {
        const account = s.account ?? world.defaultAccount;
        const region = s.region ?? world.defaultRegion;
        const arn = topicArn(region, account, s.name);
        return {
          name: s.name,
          arn,
          account,
          region,
          kmsMasterKeyId: s.kmsMasterKeyId ?? (s.name === APPROVAL_TOPIC_NAME ? `arn:aws:kms:${region}:${account}:key/approvals-topic-key` : undefined),
          subscriptions: (s.subscriptions ?? []).map((sub, i) => ({ ...sub, confirmed: sub.confirmed ?? true, arn: `${arn}:sub-${i + 1}` })),
        };
      }),
      messages: [],
      emails: [],
    };
  },
  /** Topics and subscriptions as a world section (sim/world-out.ts); published messages are history, not state. */
  toWorld: (state) => ({
    sns: {
      topics: state.topics.map((t) => ({
        name: t.name,
        account: t.account,
        region: t.region,
        ...(t.kmsMasterKeyId ? { kmsMasterKeyId: t.kmsMasterKeyId } : {}),
        subscriptions: t.subscriptions.map(({ arn: _arn, ...sub }) => sub),
      })),
    },
  }),
  snapshot: (s) => ({
    topics: s.topics.map((t) => ({
      name: t.name,
      arn: t.arn,
      account: t.account,
      encrypted: Boolean(t.kmsMasterKeyId),
      subscriptions: t.subscriptions.map((x) => ({ protocol: x.protocol, endpoint: x.endpoint, confirmed: x.confirmed })),
    })),
    messages: s.messages.map((m) => ({ ...m, at: new Date(m.at).toISOString() })),
    emails: s.emails.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
  }),
  operations: {
    CreateTopic(ctx, input) {
      const name = String(input.Name ?? '');
      if (!/^[A-Za-z0-9_-]{1,256}$/.test(name)) invalid('Topic Name');
      const arn = topicArn(ctx.region, ctx.account, name);
      if (!ctx.state.topics.some((t) => t.arn === arn)) {
        ctx.state.topics.push({ name, arn, account: ctx.account, region: ctx.region, kmsMasterKeyId: input.Attributes?.KmsMasterKeyId, subscriptions: [] });
      }
      return { TopicArn: arn };
    },
    ListTopics(ctx, input) {
      const p = page(
        ctx,
        ctx.state.topics.filter((t) => t.account === ctx.account && t.region === ctx.region),
        { token: input.NextToken, defaultMax: 100, limit: 100 },
      );
      return { Topics: p.items.map((t) => ({ TopicArn: t.arn })), NextToken: p.next };
    },
    GetTopicAttributes(ctx, input) {
      const t = findTopic(ctx, input.TopicArn);
      const confirmed = t.subscriptions.filter((s) => s.confirmed).length;
      return {
        Attributes: {
          TopicArn: t.arn,
          Owner: t.account,
          DisplayName: '',
          ...(t.kmsMasterKeyId ? { KmsMasterKeyId: t.kmsMasterKeyId } : {}),
          SubscriptionsConfirmed: String(confirmed),
          SubscriptionsPending: String(t.subscriptions.length - confirmed),
        },
      };
    },
    ListSubscriptionsByTopic(ctx, input) {
      const t = findTopic(ctx, input.TopicArn);
      const p = page(ctx, t.subscriptions, { token: input.NextToken, defaultMax: 100, limit: 100, scope: `subscriptions:${t.arn}` });
      return {
        Subscriptions: p.items.map((s) => ({
          TopicArn: t.arn,
          Protocol: s.protocol,
          Endpoint: s.endpoint,
          Owner: t.account,
          SubscriptionArn: s.confirmed ? s.arn : 'PendingConfirmation',
        })),
        NextToken: p.next,
      };
    },
    Publish(ctx, input) {
      if (!input.TopicArn)
        invalid(input.TargetArn || input.PhoneNumber ? 'only topics are simulated' : 'TopicArn or TargetArn Reason: no value for required parameter');
      const t = findTopic(ctx, input.TopicArn);
      const message = input.Message;
      if (typeof message !== 'string' || message.length === 0) invalid('Empty message');
      if (Buffer.byteLength(message, 'utf8') > MAX_MESSAGE_BYTES) invalid('Message too long');
      if (input.Subject !== undefined) {
        if (input.Subject.length === 0 || input.Subject.length >= 100 || /[\u0000-\u001f\u007f]/.test(input.Subject)) invalid('Subject');
      }
      const attributes = readAttributes(input.MessageAttributes);
      const messageId = `${ctx.sim.nextId('', 8)}-sns0-4000-8000-${ctx.sim.nextId('', 12)}`;
      ctx.state.messages.push({ messageId, topicArn: t.arn, subject: input.Subject, message, attributes, at: ctx.now });
      for (const sub of t.subscriptions) {
        if (sub.confirmed && sub.protocol === 'email' && matchesFilter(sub.filterPolicy, attributes)) {
          ctx.state.emails.push({ to: sub.endpoint, subject: input.Subject ?? 'AWS Notification Message', body: message, messageId, at: ctx.now });
        }
      }
      return { MessageId: messageId };
    },
  },
};
