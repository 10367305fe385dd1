/** The constraint a Postgres unique violation (23505) broke, else undefined. */
export function uniqueViolation(err: unknown): string | undefined {
  const e = err as { code?: string; constraint?: string } | null;
  return e?.code === "23505" ? (e.constraint ?? "") : undefined;
}
