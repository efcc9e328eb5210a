/** How the simulator names a resource whose state changes (sim/lifecycle.ts, the report's transitions). */

/**
 * A resource as its transitions name it: `name` for people (the report's lanes) and `keys`, how requests
 * name it — alternatives, each the values a request gives together (an ASN association: its ASN and its
 * CIDR; an accelerator: its ARN, or its name). The report ties a poll to the transitions it waited for by
 * these values, not by matching strings.
 */
export interface ResourceRef {
  readonly name: string;
  readonly keys: ReadonlyArray<ReadonlyArray<string>>;
}

export function resourceRef(name: string, ...keys: string[][]): ResourceRef {
  return { name, keys };
}
