/**
 * Polls `fn` until it returns something truthy and returns that; fails naming `what` after
 * `timeoutMs`. An error thrown by `fn` fails at once (unlike `eventually`, which retries it).
 */
export async function until<T>(
  fn: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 30_000,
  stepMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}
