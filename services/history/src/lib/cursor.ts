import { HistoryErrors } from "@arte/contracts/history.js";
import { failWith } from "@arte/platform";
import type { z } from "zod";

const fail = failWith(HistoryErrors);

/** Opaque keyset cursors: base64url JSON, checked against a schema when read back. */
export const encodeCursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

export function decodeCursor<S extends z.ZodType>(schema: S, raw: string): z.infer<S> {
  try {
    return schema.parse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
  } catch {
    throw fail("CURSOR_INVALID", "The cursor is invalid");
  }
}
