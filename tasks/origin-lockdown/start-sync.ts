/**
 * The AmazonIpSpaceChanged subscriber (SNS → this Lambda → Step Functions; not a state of the
 * workflow). Starts one origin-ranges-sync execution per configured sync (deployment():
 * byoip.originLockdown.syncs), named after the synctoken, so a duplicate delivery starts nothing new.
 * The input is only the sync's name and the notification; the workflow validates the notification.
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { SnsSchema } from '@aws-lambda-powertools/parser/schemas';
import { ErrorNames, WorkflowError } from '../../domain/errors';
import { ENV_STATE_MACHINE, IP_SPACE_CHANGED_TOPIC } from '../../domain/origin-ranges';
import { client } from '../../platform/aws';
import { deployment } from '../../platform/deployment';
import { defineTask } from '../lib/handler';
import { logger } from '../../platform/logger';

function syncToken(message: string, fallback: string): string {
  try {
    const token = JSON.parse(message)?.synctoken;
    if (typeof token === 'string' && /^\d{1,15}$/.test(token)) return token;
  } catch {
    // the workflow reports the malformed message
  }
  return fallback.replace(/[^A-Za-z0-9-_]/g, '').slice(0, 36);
}

export const handler = defineTask('StartOriginRangesSync', SnsSchema, async (event) => {
  const stateMachineArn = process.env[ENV_STATE_MACHINE];
  if (!stateMachineArn) throw new WorkflowError(ErrorNames.ConfigurationInvalid, `${ENV_STATE_MACHINE} is not set`);
  const syncNames = Object.keys(deployment().originLockdown.syncs);
  const record = event.Records[0].Sns;
  if (record.TopicArn !== IP_SPACE_CHANGED_TOPIC)
    throw new WorkflowError(ErrorNames.SafetyViolation, `ignoring a message from ${record.TopicArn}; only ${IP_SPACE_CHANGED_TOPIC} starts a sync`);
  const token = syncToken(record.Message, record.MessageId);
  const sfn = client(SFNClient, { region: stateMachineArn.split(':')[3] });
  const started: string[] = [];
  const duplicates: string[] = [];
  for (const syncName of syncNames) {
    const name = `ip-space-changed-${token}-${syncName}`.slice(0, 80);
    try {
      const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ syncName, event }) }));
      started.push(out.executionArn!);
    } catch (e) {
      // Same name and input: SNS delivered the notification twice; the first execution handles it.
      if ((e as Error).name !== 'ExecutionAlreadyExists') throw e;
      duplicates.push(name);
    }
  }
  if (syncNames.length === 0) logger.warn('no sync is configured (byoip.originLockdown.syncs); nothing started');
  return { syncToken: token, started, duplicates };
});
