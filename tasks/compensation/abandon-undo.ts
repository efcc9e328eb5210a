/** An undo step failed for good (after the ASL's retries): record it as left over and move on. */
import * as z from 'zod';
import { abandonCurrent, type CompensationState } from '../../domain/compensation';
import { defineTask } from '../lib/handler';
import { CompensationSchema } from '../lib/undo';

const Event = z.object({ compensation: CompensationSchema, error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).passthrough() });

export const handler = defineTask('AbandonUndo', Event, async (input) => abandonCurrent(input.compensation as CompensationState, input.error));
