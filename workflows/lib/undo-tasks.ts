/**
 * Which task undoes intents of each service ("<Service>.<Verb>" actions). The compensation fragment
 * dispatches on the service; a test checks each intent's action is in that task's `undoActions`.
 */
import type { TaskName } from '../../tasks/catalog';

export const UNDO_TASK_BY_SERVICE: Record<string, TaskName> = {
  EC2: 'UndoEc2',
  CloudFront: 'UndoCloudFront',
  Route53: 'UndoRoute53',
  DynamoDB: 'UndoDynamoDb',
  // BYOASN steps are EC2 calls; their own undo task keeps undo-ec2.ts as onboarding left it.
  Byoasn: 'UndoByoasn',
  GlobalAccelerator: 'UndoGlobalAccelerator',
  EC2Network: 'UndoEc2Network',
  RAM: 'UndoRam',
};
