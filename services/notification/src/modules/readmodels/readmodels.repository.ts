import type { Executor } from "@arte/platform";
import { sql } from "kysely";
import type { NotificationDb } from "../../db/schema.js";
import type { ArtworkTitle } from "../auction-mail/auction-mail.domain.js";

type Db = Executor<NotificationDb>;

export type LotFacts = {
  lotId: string;
  artworkId: string;
  status: string;
  startsAt: string;
  endsAt: string;
  version: number;
};

export type LotRow = {
  lot_id: string;
  artwork_id: string;
  status: string;
  starts_at: Date;
  ends_at: Date;
  version: number;
  outcome_event_id: string | null;
  winner_user_id: string | null;
};

/** SQL only: the read models other contexts' events feed (recipients, artworks, watchers, lots, bidders). */
export const readModels = {
  async upsertRecipient(
    db: Db,
    r: { userId: string; email: string; username: string; locale: "ko" | "en" },
  ): Promise<void> {
    await db
      .insertInto("recipient")
      .values({ user_id: r.userId, email: r.email, username: r.username, locale: r.locale })
      .onConflict((oc) =>
        oc.column("user_id").doUpdateSet({
          email: r.email,
          username: r.username,
          locale: r.locale,
          updated_at: sql<Date>`now()`,
        }),
      )
      .execute();
  },

  recipient(db: Db, userId: string) {
    return db
      .selectFrom("recipient")
      .select(["user_id", "email", "username", "locale"])
      .where("user_id", "=", userId)
      .executeTakeFirst();
  },

  /** Replaces the stored artwork only with a newer version. */
  async upsertArtwork(
    db: Db,
    a: {
      artworkId: string;
      titleKo: string;
      titleEn: string | null;
      primaryImageUrl: string | null;
      version: number;
    },
  ): Promise<boolean> {
    const r = await db
      .insertInto("artwork")
      .values({
        artwork_id: a.artworkId,
        title_ko: a.titleKo,
        title_en: a.titleEn,
        primary_image_url: a.primaryImageUrl,
        version: a.version,
      })
      .onConflict((oc) =>
        oc
          .column("artwork_id")
          .doUpdateSet({
            title_ko: a.titleKo,
            title_en: a.titleEn,
            // An event without an image does not erase one a newer catalog contract sent before.
            primary_image_url: sql<
              string | null
            >`coalesce(excluded.primary_image_url, artwork.primary_image_url)`,
            version: a.version,
            updated_at: sql<Date>`now()`,
          })
          .where("artwork.version", "<", a.version),
      )
      .executeTakeFirst();
    return (r.numInsertedOrUpdatedRows ?? 0n) > 0n;
  },

  async artworkTitle(db: Db, artworkId: string): Promise<ArtworkTitle | null> {
    const row = await db
      .selectFrom("artwork")
      .select(["title_ko", "title_en"])
      .where("artwork_id", "=", artworkId)
      .executeTakeFirst();
    return row ? { ko: row.title_ko, en: row.title_en } : null;
  },

  /**
   * Serialises the writers of one artwork's watchers and lots (watch events and lot events arrive on
   * different consumers): a reminder is planned either by the lot event or by the watch event, never
   * missed by both.
   */
  async lockArtwork(db: Db, artworkId: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext(${`notification:artwork:${artworkId}`}))`.execute(db);
  },

  /** Records a watch or unwatch unless a later one is already recorded; true when it applied. */
  async setWatching(
    db: Db,
    w: { userId: string; artworkId: string; watching: boolean; at: Date },
  ): Promise<boolean> {
    const r = await db
      .insertInto("watcher")
      .values({ user_id: w.userId, artwork_id: w.artworkId, watching: w.watching, changed_at: w.at })
      .onConflict((oc) =>
        oc
          .columns(["user_id", "artwork_id"])
          .doUpdateSet({ watching: w.watching, changed_at: w.at })
          .where("watcher.changed_at", "<", w.at),
      )
      .executeTakeFirst();
    return (r.numInsertedOrUpdatedRows ?? 0n) > 0n;
  },

  async isWatching(db: Db, userId: string, artworkId: string): Promise<boolean> {
    const row = await db
      .selectFrom("watcher")
      .select("watching")
      .where("user_id", "=", userId)
      .where("artwork_id", "=", artworkId)
      .executeTakeFirst();
    return row?.watching === true;
  },

  /**
   * Inserts the lot or replaces it with a newer snapshot, then locks its row (the lot's handlers on
   * different consumers — bids, sale — apply one after the other). Returns the stored row.
   */
  async upsertAndLockLot(db: Db, l: LotFacts): Promise<LotRow> {
    await db
      .insertInto("lot")
      .values({
        lot_id: l.lotId,
        artwork_id: l.artworkId,
        status: l.status,
        starts_at: new Date(l.startsAt),
        ends_at: new Date(l.endsAt),
        version: l.version,
      })
      .onConflict((oc) =>
        oc
          .column("lot_id")
          .doUpdateSet({
            artwork_id: l.artworkId,
            status: l.status,
            starts_at: new Date(l.startsAt),
            ends_at: new Date(l.endsAt),
            version: l.version,
            updated_at: sql<Date>`now()`,
          })
          .where("lot.version", "<", l.version),
      )
      .execute();
    return db
      .selectFrom("lot")
      .select([
        "lot_id",
        "artwork_id",
        "status",
        "starts_at",
        "ends_at",
        "version",
        "outcome_event_id",
        "winner_user_id",
      ])
      .where("lot_id", "=", l.lotId)
      .forUpdate()
      .executeTakeFirstOrThrow();
  },

  lot(db: Db, lotId: string) {
    return db
      .selectFrom("lot")
      .select(["lot_id", "artwork_id", "status", "starts_at", "ends_at", "version"])
      .where("lot_id", "=", lotId)
      .executeTakeFirst();
  },

  /** The first outcome (sold/unsold event) of a lot; later ones do not replace it. */
  async setOutcome(db: Db, lotId: string, eventId: string, winnerUserId: string | null): Promise<boolean> {
    const r = await db
      .updateTable("lot")
      .set({ outcome_event_id: eventId, winner_user_id: winnerUserId })
      .where("lot_id", "=", lotId)
      .where("outcome_event_id", "is", null)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  },

  async addBidder(db: Db, lotId: string, userId: string): Promise<void> {
    await db
      .insertInto("lot_bidder")
      .values({ lot_id: lotId, user_id: userId })
      .onConflict((oc) => oc.columns(["lot_id", "user_id"]).doNothing())
      .execute();
  },

  async bidders(db: Db, lotId: string): Promise<string[]> {
    const rows = await db.selectFrom("lot_bidder").select("user_id").where("lot_id", "=", lotId).execute();
    return rows.map((r) => r.user_id);
  },

  /**
   * The outbid throttle, in the caller's transaction: takes the (user, lot) slot when its last email
   * is older than the window (or there is none) and returns true; false inside the window. The row lock
   * of the upsert makes two concurrent claims for one (user, lot) take turns, so only one passes.
   */
  async takeThrottleSlot(db: Db, userId: string, lotId: string, windowMs: number): Promise<boolean> {
    const r = await sql<{ user_id: string }>`
      insert into email_throttle (user_id, lot_id, last_sent_at) values (${userId}, ${lotId}, clock_timestamp())
      on conflict (user_id, lot_id) do update set last_sent_at = excluded.last_sent_at
        where email_throttle.last_sent_at <= clock_timestamp() - make_interval(secs => ${windowMs / 1000})
      returning user_id`.execute(db);
    return r.rows.length > 0;
  },
};
