/**
 * Deep copy of JSON-like data that keeps Dates, made in the *current* realm. structuredClone would
 * return objects of the host realm, which code checking `Object.getPrototypeOf(x) === Object.prototype`
 * (the ASL engine's payload templates) rejects under jest's sandbox.
 */
export function cloneData<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return value.map((v) => cloneData(v)) as T;
  if (Object.prototype.toString.call(value) === '[object Date]') return new Date((value as unknown as Date).getTime()) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) out[k] = cloneData(v);
  return out as T;
}
