/**
 * Step Functions' limits for Standard workflows, as AWS documents them ("Quotas related to state
 * machine executions"; names), in one place for the runner, the simulated API and the CLI.
 */
export const STEP_FUNCTIONS_QUOTAS = {
  /** Maximum input or output size for a task, state or execution, in bytes of UTF-8 JSON. */
  payloadBytes: 262_144,
  /** Maximum execution history size (events). */
  historyEvents: 25_000,
  /** Concurrent iterations of an inline Map state. */
  inlineMapConcurrency: 40,
} as const;

/**
 * Execution names: 1-80 characters, without whitespace, wildcards (? *), brackets (< > { } [ ]),
 * the special characters : ; , \ | ^ ~ $ # % & ` " / or control characters.
 */
export const EXECUTION_NAME = /^[^\s?*<>{}[\]:;,\\|^~$#%&`"/\u0000-\u001f\u007f-\u009f]{1,80}$/;
