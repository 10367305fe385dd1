import { durableName } from "@arte/contracts";
import {
  ArtworkCreatedV1,
  ArtworkSnapshot,
  ArtworkUnwatchedV1,
  ArtworkUpdatedV1,
  ArtworkWatchedV1,
} from "@arte/contracts/catalog.js";
import { claimInbox, type EventHandler } from "@arte/platform";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { NotificationDb } from "../db/schema.js";
import { REMINDER_LEAD_MS } from "../modules/auction-mail/auction-mail.domain.js";
import { readModels } from "../modules/readmodels/readmodels.repository.js";
import { remindersRepository as reminders } from "../modules/reminders/reminders.repository.js";
import { SERVICE } from "./service.js";

export type CatalogEventDeps = {
  db: Kysely<NotificationDb>;
  reminderLeadMs?: number;
};

/**
 * The catalog's artwork snapshot does not carry images (yet). When it gains an optional
 * `primaryImageUrl`, the read model keeps it; until then the column stays null.
 */
const WithImage = ArtworkSnapshot.extend({ primaryImageUrl: z.string().max(2000).nullable().optional() });
const ArtworkCreated = ArtworkCreatedV1.extend({ data: WithImage });
const ArtworkUpdated = ArtworkUpdatedV1.extend({ data: WithImage });

function artworkHandler<S extends typeof ArtworkCreated | typeof ArtworkUpdated>(
  schema: S,
  deps: CatalogEventDeps,
): EventHandler<S> {
  const durable = durableName(SERVICE, schema.shape.type.value);
  return {
    schema,
    async handle(event) {
      const d = event.data;
      await deps.db.transaction().execute(async (trx) => {
        if (!(await claimInbox(trx, durable, event.id))) return;
        await readModels.upsertArtwork(trx, {
          artworkId: d.artworkId,
          titleKo: d.titleKo,
          titleEn: d.titleEn,
          primaryImageUrl: d.primaryImageUrl ?? null,
          version: d.version,
        });
      });
    },
  };
}

/**
 * Watch and unwatch arrive on two consumers, so their order is not guaranteed: the later `occurredAt`
 * wins. A watch plans reminders for the artwork's scheduled lots; an unwatch cancels the pending ones.
 */
function watchHandler<S extends typeof ArtworkWatchedV1 | typeof ArtworkUnwatchedV1>(
  schema: S,
  watching: boolean,
  deps: CatalogEventDeps,
): EventHandler<S> {
  const durable = durableName(SERVICE, schema.shape.type.value);
  const leadMs = deps.reminderLeadMs ?? REMINDER_LEAD_MS;
  return {
    schema,
    async handle(event) {
      const { userId, artworkId } = event.data;
      await deps.db.transaction().execute(async (trx) => {
        await readModels.lockArtwork(trx, artworkId);
        if (!(await claimInbox(trx, durable, event.id))) return;
        const applied = await readModels.setWatching(trx, {
          userId,
          artworkId,
          watching,
          at: new Date(event.occurredAt),
        });
        if (!applied) return;
        if (watching) await reminders.planForWatcher(trx, userId, artworkId, leadMs);
        else await reminders.cancelForWatcher(trx, userId, artworkId);
      });
    },
  };
}

/** Every CATALOG handler of the notification service, one durable consumer each. */
export function catalogHandlers(deps: CatalogEventDeps) {
  return [
    watchHandler(ArtworkWatchedV1, true, deps),
    watchHandler(ArtworkUnwatchedV1, false, deps),
    artworkHandler(ArtworkCreated, deps),
    artworkHandler(ArtworkUpdated, deps),
  ];
}
