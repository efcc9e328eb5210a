/**
 * Which world the input rules serve: AWS, or a rehearsal in the simulator. Documentation address
 * space (TEST-NET, 198.18.0.0/15, 2001:db8::/32, 3fff::/20) and documentation ASNs are accepted only
 * in a rehearsal, so the examples can run while a real deployment refuses them.
 *
 * The default is AWS. Only the simulator switches to a rehearsal (platform/deployment.ts, when it
 * installs a world whose deployment says `rehearsal: true`); the deployed functions never do: the CDK
 * app and a function's BYOIP_DEPLOYMENT both refuse `rehearsal` (domain/deployment.ts).
 */
export type AddressWorld = 'aws' | 'rehearsal';

let processWorld: AddressWorld = 'aws';
let scoped: AddressWorld | undefined;

/** The world input is validated for now. */
export function addressWorld(): AddressWorld {
  return scoped ?? processWorld;
}

/** Set by the simulator while it is connected; `undefined` goes back to AWS. */
export function useAddressWorld(world: AddressWorld | undefined): void {
  processWorld = world ?? 'aws';
}

/** Runs a synchronous `fn` (a validation) in `world`; for tests and tools that validate outside the simulator. */
export function inAddressWorld<T>(world: AddressWorld, fn: () => T): T {
  const before = scoped;
  scoped = world;
  try {
    const out = fn();
    if (out instanceof Promise) throw new Error('inAddressWorld takes a synchronous function');
    return out;
  } finally {
    scoped = before;
  }
}

/** How a rule that documentation space breaks explains itself in AWS. */
export const DOCUMENTATION_ONLY_IN_REHEARSAL = 'documentation space is accepted only in a simulated rehearsal';
