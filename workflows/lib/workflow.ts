/** What every workflow module exports. */
import type { AslState } from './builder';

export interface WorkflowDefinition {
  /** Kebab-case name: the asl/<name>.asl.json file, the CLI argument, the state machine name suffix. */
  readonly name: string;
  readonly description: string;
  /**
   * What a failure leaves: `compensate` undoes this execution's changes (the world as before, or
   * CompensationIncomplete listing what is left); `rerun` stops where it failed and the same input run
   * again finishes the job (teardowns, swaps); `forward` puts back what it removed, keeps what it added
   * (never fewer allowed ranges than before) and the next run converges (origin-ranges-sync).
   * The reliability sweep (runner/fault-sweep.ts) holds each workflow to its promise.
   */
  readonly recovery: 'compensate' | 'rerun' | 'forward';
  /** Builds the ASL definition. */
  build(): AslState;
}

/** The deployed state machine's name (infra creates byoip-<workflow>; the CLI and the simulator find it by it). */
export const stateMachineName = (workflow: string) => `byoip-${workflow}`;

/** The workflow a state machine name belongs to, if it is one of ours. */
export const workflowOfStateMachine = (name: string): string | undefined => (name.startsWith('byoip-') ? name.slice('byoip-'.length) : undefined);
