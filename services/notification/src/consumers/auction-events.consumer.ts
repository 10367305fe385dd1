import { randomUUID } from "node:crypto";
import { durableName } from "@arte/contracts";
import {
  BidOutbidV1,
  BidPlacedV1,
  LotCancelledV1,
  LotClosedV1,
  LotOpenedV1,
  LotScheduledV1,
  LotSoldV1,
  LotUnsoldV1,
} from "@arte/contracts/auction.js";
import { claimInbox, type EventHandler, type Logger } from "@arte/platform";
import type { Kysely } from "kysely";
import type { NotificationDb } from "../db/schema.js";
import {
  ENDED_STATUSES,
  formatInstant,
  formatWon,
  OUTBID_EMAIL_WINDOW_MS,
  REMINDER_LEAD_MS,
  saleAmounts,
  titleFor,
} from "../modules/auction-mail/auction-mail.domain.js";
import type { DeliveryService } from "../modules/email/delivery.service.js";
import { notificationsRepository as notifications } from "../modules/inapp/notifications.repository.js";
import { type LotFacts, readModels } from "../modules/readmodels/readmodels.repository.js";
import { remindersRepository as reminders } from "../modules/reminders/reminders.repository.js";
import { SERVICE } from "./service.js";

export type AuctionEventDeps = {
  db: Kysely<NotificationDb>;
  delivery: DeliveryService;
  publicUrl: string;
  /** At most one outbid email per (user, lot) in this window (default 10 minutes). */
  outbidEmailWindowMs?: number;
  /** How long before a lot's start its reminders are due (default 30 minutes). */
  reminderLeadMs?: number;
};

const durableOf = (type: string) => durableName(SERVICE, type);

const lotFacts = (d: LotFacts): LotFacts => ({
  lotId: d.lotId,
  artworkId: d.artworkId,
  status: d.status,
  startsAt: d.startsAt,
  endsAt: d.endsAt,
  version: d.version,
});

/**
 * Scheduled, opened, closed, cancelled: the lot read model (newest version wins) and, while the lot is
 * scheduled and not started, one reminder per watcher of its artwork (under the artwork's lock, which
 * the watch events take too).
 */
function lotStateHandler<
  S extends typeof LotScheduledV1 | typeof LotOpenedV1 | typeof LotClosedV1 | typeof LotCancelledV1,
>(schema: S, deps: AuctionEventDeps): EventHandler<S> {
  const durable = durableOf(schema.shape.type.value);
  const leadMs = deps.reminderLeadMs ?? REMINDER_LEAD_MS;
  return {
    schema,
    async handle(event, { log }) {
      const outcome = await deps.db.transaction().execute(async (trx) => {
        await readModels.lockArtwork(trx, event.data.artworkId);
        if (!(await claimInbox(trx, durable, event.id))) return "duplicate";
        const lot = await readModels.upsertAndLockLot(trx, lotFacts(event.data));
        if (lot.status === "SCHEDULED" && lot.starts_at.getTime() > Date.now()) {
          await reminders.planForLot(
            trx,
            { lotId: lot.lot_id, artworkId: lot.artwork_id, startsAt: lot.starts_at },
            leadMs,
          );
          return "planned";
        }
        return "applied";
      });
      log.debug({ lotId: event.data.lotId, version: event.data.version, outcome }, "lot event");
    },
  };
}

/**
 * An accepted bid: its bidder joins the lot's bidders. A bid handled after the lot's outcome (the
 * consumers run independently) still gets its "you did not win" notification, keyed by the outcome event.
 */
function bidPlacedHandler(deps: AuctionEventDeps): EventHandler<typeof BidPlacedV1> {
  const durable = durableOf(BidPlacedV1.shape.type.value);
  return {
    schema: BidPlacedV1,
    async handle(event) {
      const bidder = event.data.bidderUserId;
      await deps.db.transaction().execute(async (trx) => {
        if (!(await claimInbox(trx, durable, event.id))) return;
        const lot = await readModels.upsertAndLockLot(trx, lotFacts(event.data));
        if (!bidder) return;
        await readModels.addBidder(trx, lot.lot_id, bidder);
        if (lot.outcome_event_id && lot.winner_user_id !== bidder) {
          await notifications.create(trx, {
            id: randomUUID(),
            userId: bidder,
            kind: "lost",
            lotId: lot.lot_id,
            artworkId: lot.artwork_id,
            title: await readModels.artworkTitle(trx, lot.artwork_id),
            params: { outcome: lot.status },
            sourceId: lot.outcome_event_id,
          });
        }
      });
    },
  };
}

/** In-app "won" for the winner and "lost" for every other bidder, keyed by the outcome event. */
async function recordOutcome(
  deps: AuctionEventDeps,
  durable: string,
  event: { id: string; data: LotFacts & { winnerUserId?: string } },
  params: { won: Record<string, number>; outcome: "SOLD" | "UNSOLD" },
): Promise<{ ours: boolean; title: Awaited<ReturnType<typeof readModels.artworkTitle>> }> {
  return deps.db.transaction().execute(async (trx) => {
    const claimed = await claimInbox(trx, durable, event.id);
    const lot = await readModels.upsertAndLockLot(trx, lotFacts(event.data));
    const title = await readModels.artworkTitle(trx, lot.artwork_id);
    if (!claimed) return { ours: lot.outcome_event_id === event.id, title };
    const winner = event.data.winnerUserId ?? null;
    // The first outcome of a lot wins (a second sale/unsold event for one lot changes nothing).
    if (!(await readModels.setOutcome(trx, lot.lot_id, event.id, winner))) return { ours: false, title };
    const base = { lotId: lot.lot_id, artworkId: lot.artwork_id, title, sourceId: event.id };
    if (winner) {
      await notifications.create(trx, {
        ...base,
        id: randomUUID(),
        userId: winner,
        kind: "won",
        params: params.won,
      });
    }
    for (const bidder of await readModels.bidders(trx, lot.lot_id)) {
      if (bidder === winner) continue;
      await notifications.create(trx, {
        ...base,
        id: randomUUID(),
        userId: bidder,
        kind: "lost",
        params: { outcome: params.outcome },
      });
    }
    return { ours: true, title };
  });
}

/** Sold: won (in-app and email with the amounts) for the winner, lost (in-app) for the other bidders. */
function lotSoldHandler(deps: AuctionEventDeps): EventHandler<typeof LotSoldV1> {
  const durable = durableOf(LotSoldV1.shape.type.value);
  return {
    schema: LotSoldV1,
    async handle(event, { log }) {
      const amounts = saleAmounts(event.data);
      const { ours, title } = await recordOutcome(deps, durable, event, { won: amounts, outcome: "SOLD" });
      const winner = event.data.winnerUserId;
      // The email is claimed on its own (sent_message): a redelivery after a crash finds it there.
      if (!ours || !winner) return;
      const recipient = await readModels.recipient(deps.db, winner);
      if (!recipient) {
        await deps.delivery.recordSkipped({
          eventId: event.id,
          template: "won",
          userId: winner,
          reason: "recipient unknown",
        });
        return;
      }
      const loc = recipient.locale;
      await deps.delivery.deliver(
        {
          eventId: event.id,
          template: "won",
          userId: winner,
          to: recipient.email,
          locale: loc,
          vars: {
            username: recipient.username,
            title: titleFor(title, loc),
            hammerPrice: formatWon(amounts.hammerPrice, loc),
            premium: formatWon(amounts.premium, loc),
            total: formatWon(amounts.total, loc),
            purchasesUrl: `${deps.publicUrl}/my/purchases`,
          },
        },
        log,
      );
    },
  };
}

/** Unsold: lost (in-app) for every bidder (a reserve not met). */
function lotUnsoldHandler(deps: AuctionEventDeps): EventHandler<typeof LotUnsoldV1> {
  const durable = durableOf(LotUnsoldV1.shape.type.value);
  return {
    schema: LotUnsoldV1,
    async handle(event) {
      await recordOutcome(deps, durable, event, { won: {}, outcome: "UNSOLD" });
    },
  };
}

/**
 * Outbid: an in-app notification per event, and an email unless one went to this (user, lot) within
 * the window — the throttle row is taken in the transaction that claims the send.
 */
function bidOutbidHandler(deps: AuctionEventDeps): EventHandler<typeof BidOutbidV1> {
  const durable = durableOf(BidOutbidV1.shape.type.value);
  const windowMs = deps.outbidEmailWindowMs ?? OUTBID_EMAIL_WINDOW_MS;
  return {
    schema: BidOutbidV1,
    async handle(event, { log }) {
      const d = event.data;
      const { title, lot } = await deps.db.transaction().execute(async (trx) => {
        const title = await readModels.artworkTitle(trx, d.artworkId);
        const lot = await readModels.lot(trx, d.lotId);
        if (await claimInbox(trx, durable, event.id)) {
          await notifications.create(trx, {
            id: randomUUID(),
            userId: d.userId,
            kind: "outbid",
            lotId: d.lotId,
            artworkId: d.artworkId,
            title,
            params: { currentPrice: d.currentPrice, nextMinimum: d.nextMinimum, endsAt: d.endsAt },
            sourceId: event.id,
          });
        }
        return { title, lot };
      });
      await sendOutbidEmail(deps, event, { title, lotStatus: lot?.status, windowMs }, log);
    },
  };
}

async function sendOutbidEmail(
  deps: AuctionEventDeps,
  event: { id: string; data: BidOutbidV1Data },
  ctx: { title: Awaited<ReturnType<typeof readModels.artworkTitle>>; lotStatus?: string; windowMs: number },
  log: Logger,
) {
  const d = event.data;
  const skip = (reason: string) =>
    deps.delivery.recordSkipped({ eventId: event.id, template: "outbid", userId: d.userId, reason });
  const recipient = await readModels.recipient(deps.db, d.userId);
  if (!recipient) return skip("recipient unknown");
  if (Date.parse(d.endsAt) <= Date.now() || (ctx.lotStatus && ENDED_STATUSES.has(ctx.lotStatus)))
    return skip("the lot had already ended");
  const loc = recipient.locale;
  await deps.delivery.deliver(
    {
      eventId: event.id,
      template: "outbid",
      userId: d.userId,
      to: recipient.email,
      locale: loc,
      vars: {
        username: recipient.username,
        title: titleFor(ctx.title, loc),
        currentPrice: formatWon(d.currentPrice, loc),
        nextMinimum: formatWon(d.nextMinimum, loc),
        endsAt: formatInstant(d.endsAt, loc),
        lotUrl: `${deps.publicUrl}/lots/${d.lotId}`,
      },
    },
    log,
    {
      gate: async (trx) =>
        (await readModels.takeThrottleSlot(trx, d.userId, d.lotId, ctx.windowMs))
          ? null
          : `throttled: an outbid email for this lot went out within ${Math.round(ctx.windowMs / 1000)} s`,
    },
  );
}
type BidOutbidV1Data = (typeof BidOutbidV1)["_output"]["data"];

/** Every AUCTION handler of the notification service, one durable consumer each. */
export function auctionHandlers(deps: AuctionEventDeps) {
  return [
    lotStateHandler(LotScheduledV1, deps),
    lotStateHandler(LotOpenedV1, deps),
    lotStateHandler(LotClosedV1, deps),
    lotStateHandler(LotCancelledV1, deps),
    bidPlacedHandler(deps),
    lotSoldHandler(deps),
    lotUnsoldHandler(deps),
    bidOutbidHandler(deps),
  ];
}
