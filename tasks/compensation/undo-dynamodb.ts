/** Undo steps for the state table: give back the leases this execution took. */
import { releaseLock } from '../../platform/state-table';
import { defineUndoTask, type UndoImpl } from '../lib/undo';

const releaseLocks: UndoImpl = {
  async apply({ resources, owner }: { resources: string[]; owner: string }) {
    const released = [];
    for (const r of resources) if (await releaseLock(r, owner)) released.push(r);
    return { done: true, note: released.length ? `released ${released.join(', ')}` : 'no lease held' };
  },
};

/** The undo actions this task implements (intents in the workflows name them). */
export const undoActions: Record<string, UndoImpl> = { 'DynamoDB.ReleaseLocks': releaseLocks };

export const handler = defineUndoTask('UndoDynamoDb', 'DynamoDB', undoActions);
