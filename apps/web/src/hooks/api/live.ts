/**
 * The lot page's live feed: folds the gateway's snapshots and changes into the lot's query cache
 * (price, bid count, leader, end time, status update without a reload), refreshes the bid history
 * when the lot changes, and says whether the feed is connected (polling stops while it is).
 */
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { live } from "../../lib/live";
import { mergeLotMessage } from "../../lib/live-merge";
import { auctionKeys, type PublicLot } from "./auction";
import { catalogKeys } from "./catalog";
import { lotBidsPrefix } from "./lot-bids";

/**
 * The bid history is a projection of the same events and may trail the live feed by a moment: it is
 * refetched at once and once more after this long.
 */
const HISTORY_SETTLE_MS = 1_500;

export function useLiveLot(lotId: string | undefined, artworkId: string) {
  const qc = useQueryClient();
  const [connected, setConnected] = useState(false);
  /** When (device ms) a live change last moved the end later: the "extended" notice. */
  const [extendedAt, setExtendedAt] = useState<number | null>(null);

  useEffect(() => {
    if (!lotId) return;
    const client = live();
    setConnected(client.isConnected());
    const offConnection = client.onConnection(setConnected);
    const key = auctionKeys.lot(lotId);
    let settle: ReturnType<typeof setTimeout> | undefined;
    const refreshHistory = () => {
      void qc.invalidateQueries({ queryKey: lotBidsPrefix(lotId) });
      clearTimeout(settle);
      settle = setTimeout(
        () => void qc.invalidateQueries({ queryKey: lotBidsPrefix(lotId) }),
        HISTORY_SETTLE_MS,
      );
    };
    const offLot = client.watchLot(lotId, (msg) => {
      const held = qc.getQueryData<PublicLot>(key);
      if (!held) {
        // The lot has not loaded yet (or failed): its own fetch brings the state; ask again if idle.
        if (qc.isFetching({ queryKey: key }) === 0) void qc.invalidateQueries({ queryKey: key });
        return;
      }
      const r = mergeLotMessage(held, msg);
      if (!r.applied) return;
      qc.setQueryData(key, r.lot);
      if (r.extended) setExtendedAt(Date.now());
      if (r.lot.bidCount !== held.bidCount) refreshHistory();
      if (r.lot.status !== held.status) {
        // Opened or closed: the caller's standing and the catalog's badge come from the services.
        void qc.invalidateQueries({ queryKey: key });
        void qc.invalidateQueries({ queryKey: catalogKeys.artwork(artworkId) });
      }
    });
    return () => {
      offLot();
      offConnection();
      clearTimeout(settle);
    };
  }, [lotId, artworkId, qc]);

  return { connected, extendedAt };
}
