/** Turns the intents recorded so far into the ordered undo plan (newest first). */
import * as z from 'zod';
import { planUndo, startCompensation, type UndoIntent } from '../../domain/compensation';
import { defineTask } from '../lib/handler';

const Event = z.object({
  intents: z.record(z.string(), z.any()),
  order: z.array(z.string()),
  failure: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).passthrough(),
});

export const handler = defineTask('PlanCompensation', Event, async (input) =>
  startCompensation(planUndo(input.intents as Record<string, UndoIntent>, input.order), input.failure),
);
