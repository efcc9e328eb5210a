/**
 * The orchestrator's one Powertools logger: every task logs through it (tasks/lib/handler.ts adds the
 * Lambda context to each line), and so do the shared stores the runner and the CLI call.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'byoip-orchestrator' });
