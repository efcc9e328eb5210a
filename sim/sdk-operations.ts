/**
 * Simulated operations typed from the installed SDK client packages: a service model declares
 * `operations: SdkOperations<State, typeof ClientPackage>` and every operation it answers takes
 * the command's input and must return (a promise of) the command's output without `$metadata`.
 * A name that is not one of the client's operations is a compile error.
 *
 * The types come from the command classes the package exports (`<Op>Command`): each is built as
 * `new (input: I) => CommandImpl<I, O, ...>`: the instance's `input` is I, and the handler its
 * `resolveMiddleware` answers resolves `{ output: O }`.
 */
import type { OpContext, ServiceModel } from './simulator';

/** The input and output of a command class (its handler resolves `{ output }`), or never for any other export. */
type CommandIO<C> = C extends abstract new (
  ...args: any[]
) => infer R
  ? R extends { readonly input: infer I; resolveMiddleware(...args: any[]): (args: any) => Promise<{ output: infer O }> }
    ? { input: I; output: O }
    : never
  : never;

/**
 * The client package's operations, by name (`GetChange` for `GetChangeCommand`), with their input and output.
 * (`$Command`, the commands' base class the package re-exports, is no operation.)
 */
export type SdkCommands<Pkg> = {
  [K in keyof Pkg as K extends `${infer Op}Command`
    ? Op extends `${string}$${string}` | ''
      ? never
      : [CommandIO<Pkg[K]>] extends [never]
        ? never
        : Op
    : never]: CommandIO<Pkg[K]>;
};

/** One operation's input, e.g. `SdkInput<typeof Route53, 'GetChange'>`. */
export type SdkInput<Pkg, Op extends keyof SdkCommands<Pkg>> = SdkCommands<Pkg>[Op] extends { input: infer I } ? I : never;
/** One operation's output as a model answers it: as the service sends it (the SDK adds `$metadata`). */
export type SdkResult<Pkg, Op extends keyof SdkCommands<Pkg>> = SdkCommands<Pkg>[Op] extends { output: infer O } ? Omit<O, '$metadata'> : never;

/** The operations a model may answer for a client package, each typed by its command (Promise or not). */
export type SdkOperations<State, Pkg> = {
  [Op in keyof SdkCommands<Pkg>]?: (ctx: OpContext<State>, input: SdkInput<Pkg, Op>) => SdkResult<Pkg, Op> | Promise<SdkResult<Pkg, Op>>;
};

/** A service model whose operations are typed by its SDK client package, e.g. `SdkServiceModel<Route53State, typeof Route53>`. */
export type SdkServiceModel<State, Pkg> = ServiceModel<State, SdkOperations<State, Pkg>>;
