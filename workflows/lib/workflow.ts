/** What every workflow module exports. */
import type { AslState } from './builder';

export interface WorkflowDefinition {
  /** Kebab-case name: the asl/<name>.asl.json file, the CLI argument, the state machine name suffix. */
  readonly name: string;
  readonly description: string;
  /** Builds the ASL definition. */
  build(): AslState;
}
