/**
 * Form validation with the contract's own zod schemas. Unlike lib/forms.ts it keys nested fields by
 * their whole path (`size.widthCm`), so every input of a nested body can show its own message.
 */
import type { z } from "zod";

/** The first issue per field path (`a.b`), as zod words it; {} when the values are valid. */
export function issuesByPath(schema: z.ZodType, values: unknown): Record<string, string> {
  const r = schema.safeParse(values);
  if (r.success) return {};
  const out: Record<string, string> = {};
  for (const issue of r.error.issues) {
    const path = issue.path.map(String).join(".") || "_";
    out[path] ??= issue.message;
  }
  return out;
}

/** Drops the keys whose value is undefined (the contract's strict objects treat absent ≠ undefined alike, JSON drops them anyway). */
export function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The fields of `next` that differ from `prev` (deep-compared as JSON). */
export function changedFields<T extends Record<string, unknown>>(prev: T, next: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(next) as (keyof T)[])
    if (JSON.stringify(next[k] ?? null) !== JSON.stringify(prev[k] ?? null)) out[k] = next[k];
  return out;
}
