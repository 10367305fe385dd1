import type { z } from "zod";
import { type I18n, MESSAGES, type MessageKey } from "../i18n";

/**
 * Validates form values with a contract's zod schema (the same one the server uses) and returns one
 * message per field, in the UI's language: the field's hint when the i18n has one, else zod's text.
 */
export function fieldErrors(schema: z.ZodType, values: unknown, t: I18n["t"]): Record<string, string> {
  const r = schema.safeParse(values);
  if (r.success) return {};
  const out: Record<string, string> = {};
  for (const issue of r.error.issues) {
    const field = String(issue.path[0] ?? "");
    if (!field || out[field]) continue;
    const key = `hint.${field}` as MessageKey;
    out[field] = key in MESSAGES.ko ? t(key) : issue.message;
  }
  return out;
}

/** Empty optional text fields are absent, as the contract expects. */
export const blankToUndefined = (s: string) => (s.trim() === "" ? undefined : s);
