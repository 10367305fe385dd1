import { AUCTION_STREAM, auction, durableName, type EventSchema, USER_STREAM, users } from "@arte/contracts";
import {
  type Bus,
  type ConsumerOptions,
  claimInbox,
  type EventHandler,
  type Logger,
  type Metrics,
  type RunningConsumer,
  runConsumer,
} from "@arte/platform";
import type { Kysely } from "kysely";
import type { AuctionDb } from "../db/schema.js";
import type { BankClient } from "../lib/bank.js";
import { applyBankLink, applyBankUnlink, applySuspension } from "../modules/bidders/bidders.repository.js";
import { settleRelease } from "../modules/holds/holds.service.js";

export const SERVICE = "auction";

/** Bank-account links from the user service feed the bidder read model. */
export const { BankAccountLinkedV1, BankAccountUnlinkedV1 } = users;

type Deps = { db: Kysely<AuctionDb>; bank: BankClient; log: Logger };

/** The bidder read model: suspension. Newest fact wins (by occurredAt), applied once (inbox). */
export function userSuspendedHandler(deps: Pick<Deps, "db">): EventHandler<typeof users.UserSuspendedV1> {
  const consumer = durableName(SERVICE, users.UserSuspendedV1.shape.type.value);
  return {
    schema: users.UserSuspendedV1,
    async handle(event) {
      await deps.db.transaction().execute(async (trx) => {
        if (!(await claimInbox(trx, consumer, event.id))) return;
        await applySuspension(trx, event.data.userId, event.data.suspended, new Date(event.occurredAt));
      });
    },
  };
}

export function bankLinkedHandler(deps: Pick<Deps, "db">): EventHandler<typeof BankAccountLinkedV1> {
  const consumer = durableName(SERVICE, BankAccountLinkedV1.shape.type.value);
  return {
    schema: BankAccountLinkedV1,
    async handle(event) {
      await deps.db.transaction().execute(async (trx) => {
        if (!(await claimInbox(trx, consumer, event.id))) return;
        await applyBankLink(trx, event.data.userId, event.data.accountId, new Date(event.occurredAt));
      });
    },
  };
}

export function bankUnlinkedHandler(deps: Pick<Deps, "db">): EventHandler<typeof BankAccountUnlinkedV1> {
  const consumer = durableName(SERVICE, BankAccountUnlinkedV1.shape.type.value);
  return {
    schema: BankAccountUnlinkedV1,
    async handle(event) {
      await deps.db.transaction().execute(async (trx) => {
        if (!(await claimInbox(trx, consumer, event.id))) return;
        await applyBankUnlink(trx, event.data.userId, event.data.accountId, new Date(event.occurredAt));
      });
    },
  };
}

/** Releases a hold at the bank (deterministic key: at most once), then marks it released (inbox). */
export function holdReleaseHandler(deps: Deps): EventHandler<typeof auction.HoldReleaseRequestedV1> {
  const consumer = durableName(SERVICE, auction.HoldReleaseRequestedV1.shape.type.value);
  return {
    schema: auction.HoldReleaseRequestedV1,
    async handle(event) {
      await settleRelease(deps, event.data.holdId, { consumer, messageId: event.id });
    },
  };
}

export type ConsumerDeps = Deps & {
  bus: Bus;
  metrics?: Metrics;
  backoffMs?: ConsumerOptions["backoffMs"];
  maxDeliver?: number;
  pullExpiresMs?: number;
};

/**
 * Starts the service's durable consumers: the bidder read model from the USER stream, and the hold
 * release intents from its own AUCTION stream. Returns a stopper.
 */
export async function startConsumers(deps: ConsumerDeps): Promise<{ stop(): Promise<void> }> {
  const plan: { stream: string; handler: EventHandler<EventSchema> }[] = [
    { stream: USER_STREAM.name, handler: userSuspendedHandler(deps) as unknown as EventHandler<EventSchema> },
    { stream: USER_STREAM.name, handler: bankLinkedHandler(deps) as unknown as EventHandler<EventSchema> },
    { stream: USER_STREAM.name, handler: bankUnlinkedHandler(deps) as unknown as EventHandler<EventSchema> },
    {
      stream: AUCTION_STREAM.name,
      handler: holdReleaseHandler(deps) as unknown as EventHandler<EventSchema>,
    },
  ];
  const running: RunningConsumer[] = [];
  try {
    for (const { stream, handler } of plan) {
      running.push(
        await runConsumer(
          deps.bus,
          {
            stream,
            durable: durableName(SERVICE, handler.schema.shape.type.value),
            log: deps.log,
            metrics: deps.metrics,
            ...(deps.backoffMs ? { backoffMs: deps.backoffMs } : {}),
            ...(deps.maxDeliver ? { maxDeliver: deps.maxDeliver } : {}),
            ...(deps.pullExpiresMs ? { pullExpiresMs: deps.pullExpiresMs } : {}),
          },
          handler,
        ),
      );
    }
  } catch (err) {
    await Promise.all(running.map((r) => r.stop()));
    throw err;
  }
  return {
    async stop() {
      await Promise.all(running.map((r) => r.stop()));
    },
  };
}
