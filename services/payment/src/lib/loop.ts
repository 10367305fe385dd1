import type { Logger } from "@arte/platform";

/**
 * A periodic job: runs `round` every `everyMs` (at once again while a round did a full batch), and on
 * `kick()`. Errors are logged, never fatal. `stop()` waits for the round in flight.
 */
export function createLoop(opts: {
  name: string;
  everyMs: number;
  log: Logger;
  round: () => Promise<number>;
  batch: number;
}) {
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> | null = null;
  let again = false;

  async function runRounds() {
    do {
      again = false;
      try {
        while (running && (await opts.round()) >= opts.batch) {}
      } catch (err) {
        opts.log.error({ err, job: opts.name }, "job round failed");
      }
    } while (running && again);
  }

  function trigger() {
    if (!running) return;
    if (current) {
      again = true;
      return;
    }
    current = runRounds().finally(() => {
      current = null;
    });
  }

  return {
    start() {
      if (running) return;
      running = true;
      const tick = () => {
        trigger();
        timer = setTimeout(tick, opts.everyMs);
      };
      tick();
    },
    kick: trigger,
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      await current;
    },
  };
}
