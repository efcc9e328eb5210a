/**
 * CloudFormation's per-template limits and the share of them this project allows itself (80 %), shared
 * by the budget test (test/infra/budget.test.ts) and scripts/template-figures.ts (printed by npm run synth).
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
 */
export const CLOUDFORMATION_LIMITS = { bytes: 1_000_000, resources: 500, outputs: 200, parameters: 200, mappings: 200 } as const;

export type Figure = keyof typeof CLOUDFORMATION_LIMITS;

/** 80 % of each limit: what every synthesized template must stay within. */
export const BUDGET: Record<Figure, number> = Object.fromEntries(Object.entries(CLOUDFORMATION_LIMITS).map(([k, v]) => [k, Math.floor(v * 0.8)])) as Record<
  Figure,
  number
>;

/**
 * Room to double: every template stays within half its budget, so twice the workflows (a family's
 * template doubling, or the parent doubling with twice the families) still fits the budget.
 */
export const HEADROOM_FACTOR = 2;

export interface TemplateFigures {
  file: string;
  bytes: number;
  resources: number;
  outputs: number;
  parameters: number;
  mappings: number;
}

export function figuresOf(
  file: string,
  bytes: number,
  template: { Resources?: object; Outputs?: object; Parameters?: object; Mappings?: object },
): TemplateFigures {
  const count = (o: unknown) => Object.keys((o as object | undefined) ?? {}).length;
  return {
    file,
    bytes,
    resources: count(template.Resources),
    outputs: count(template.Outputs),
    parameters: count(template.Parameters),
    mappings: count(template.Mappings),
  };
}

/** Every figure over its budget (or over budget / HEADROOM_FACTOR with `headroom`), as sentences; empty when within. */
export function overBudget(f: TemplateFigures, headroom = false): string[] {
  return (Object.keys(BUDGET) as Figure[])
    .filter((k) => f[k] > BUDGET[k] / (headroom ? HEADROOM_FACTOR : 1))
    .map(
      (k) =>
        `${f.file}: ${f[k]} ${k} > ${headroom ? `${BUDGET[k] / HEADROOM_FACTOR} (half the budget, room to double)` : `${BUDGET[k]} (80 % of CloudFormation's ${CLOUDFORMATION_LIMITS[k]})`}`,
    );
}
