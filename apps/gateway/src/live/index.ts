import { auction } from "@arte/contracts";
import { type Bus, callRpc, type Logger, type ReadinessCheck } from "@arte/platform";
import type { AccessCheck } from "../auth.js";
import type { GatewayConfig } from "../config.js";
import { type ChangeSource, createHub, type Hub } from "./hub.js";
import { createLiveSockets, type LiveSockets } from "./socket.js";
import { createAuctionTail } from "./tail.js";

export type { ChangeSource, Hub } from "./hub.js";

/** The auction service's `auction.lot_changes` RPC (any instance of its queue group answers). */
export function rpcChangeSource(bus: Bus, timeoutMs = 2_000): ChangeSource {
  return (lotId, sinceVersion, limit) =>
    callRpc(bus, auction.LotChangesRpc, { lotId, sinceVersion, limit }, { timeoutMs });
}

/**
 * The live feed of one gateway instance: its own tail of the AUCTION stream → the hub (per-lot rings,
 * catch-up, personal routing) → its own sockets. `start()` opens the tail (the gateway's onReady),
 * `close()` tells every socket to reconnect and stops the tail.
 */
export function createLive(opts: {
  bus: Bus;
  config: GatewayConfig;
  log: Logger;
  checkAccess: AccessCheck;
  /** Where catch-up changes come from: the auction service's RPC by default. */
  changes?: ChangeSource;
}) {
  const { bus, config } = opts;
  const log = opts.log.child({ module: "live" });
  const hub: Hub = createHub({
    changes: opts.changes ?? rpcChangeSource(bus),
    log,
    catchUpMax: config.LIVE_CATCH_UP_MAX,
  });
  const tail = createAuctionTail({ bus, hub, log, instance: config.INSTANCE_ID });
  const sockets: LiveSockets = createLiveSockets({
    hub,
    checkAccess: opts.checkAccess,
    log,
    limits: {
      maxLotsPerSocket: config.LIVE_MAX_LOTS_PER_SOCKET,
      maxSocketsPerIp: config.LIVE_MAX_SOCKETS_PER_IP,
      maxBufferBytes: config.LIVE_MAX_BUFFER_BYTES,
      heartbeatMs: config.LIVE_HEARTBEAT_MS,
    },
  });
  const readiness: ReadinessCheck[] = [
    {
      name: "nats",
      check: async () => {
        if (bus.nc.isClosed()) throw new Error("closed");
        await bus.nc.flush();
      },
    },
    {
      name: "live-feed",
      check: async () => {
        if (!tail.isRunning()) throw new Error("not tailing the auction stream");
      },
    },
  ];
  return {
    hub,
    sockets,
    readiness,
    start: () => tail.start(),
    async close() {
      sockets.closeAll();
      await tail.stop();
      hub.close();
    },
  };
}
export type Live = ReturnType<typeof createLive>;
