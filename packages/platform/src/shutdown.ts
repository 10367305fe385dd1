import type { Logger } from "./logger.js";

/**
 * Graceful shutdown on SIGTERM/SIGINT: each step runs in order (stop taking work, finish what is in
 * flight, drain NATS, close the pool), each bounded in time; a second signal exits at once.
 */
export function onShutdown(
  log: Logger,
  steps: { name: string; run: () => Promise<unknown> }[],
  timeoutMs = 10_000,
) {
  let stopping = false;
  const handler = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, "shutting down");
    for (const step of steps) {
      try {
        await Promise.race([
          step.run(),
          new Promise((_, rej) => setTimeout(() => rej(new Error("timeout")), timeoutMs)),
        ]);
      } catch (err) {
        log.warn({ err, step: step.name }, "shutdown step failed");
      }
    }
    log.info("stopped");
    log.flush?.();
    process.exit(0);
  };
  process.once("SIGTERM", () => void handler("SIGTERM"));
  process.once("SIGINT", () => void handler("SIGINT"));
}
