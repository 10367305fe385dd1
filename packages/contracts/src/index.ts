import {
  AUCTION_STREAM,
  auctionOperations,
  BidPlacedV1,
  HoldReleaseRequestedV1,
  LotCancelledV1,
  LotSoldV1,
  LotUnsoldV1,
  lotEvents,
} from "./auction.js";
import { BANK_STREAM, bankOperations, HoldCapturedV1, HoldPlacedV1, HoldReleasedV1 } from "./bank.js";
import { CATALOG_STREAM, catalogOperations } from "./catalog.js";
import type { EventSchema, StreamSpec } from "./events.js";
import { historyAuctionEvents, historyCatalogEvents, historyOperations } from "./history.js";
import type { Operation } from "./http.js";
import {
  notificationAuctionEvents,
  notificationCatalogEvents,
  notificationOperations,
  notificationPaymentEvents,
} from "./notification.js";
import { PAYMENT_STREAM, paymentOperations } from "./payment.js";
import {
  BankAccountLinkedV1,
  BankAccountUnlinkedV1,
  EmailCodeRequestedV1,
  PasswordResetRequestedV1,
  USER_STREAM,
  UserRegisteredV1,
  UserSuspendedV1,
  usersOperations,
} from "./users.js";

export * as auction from "./auction.js";
export { AUCTION_STREAM } from "./auction.js";
export * as bank from "./bank.js";
export { BANK_STREAM, CASH_ACCOUNT_ID, HOUSE_ACCOUNT_ID } from "./bank.js";
export * as catalog from "./catalog.js";
export { CATALOG_STREAM } from "./catalog.js";
export * from "./common.js";
export * from "./events.js";
export * as history from "./history.js";
export * from "./http.js";
export * as live from "./live.js";
export * from "./money.js";
export * as notification from "./notification.js";
export * as payment from "./payment.js";
export { PAYMENT_STREAM } from "./payment.js";
export * from "./rpc.js";
export * as users from "./users.js";
export { USER_STREAM } from "./users.js";

/** Every stream of the platform; `npm start` creates them, and services ensure theirs at boot. */
export const STREAMS: StreamSpec[] = [
  USER_STREAM,
  BANK_STREAM,
  CATALOG_STREAM,
  AUCTION_STREAM,
  PAYMENT_STREAM,
];

/** Every service's HTTP operations, by the service name in the public path `/api/<service>`. */
export const SERVICE_OPERATIONS: Record<string, Record<string, Operation>> = {
  users: usersOperations,
  notification: notificationOperations,
  bank: bankOperations,
  catalog: catalogOperations,
  auction: auctionOperations,
  history: historyOperations,
  payment: paymentOperations,
};

/**
 * Which service consumes which events, by stream: `npm start` creates these durable consumers
 * (`<service>--<subject>`) before the services start, and each service ensures its own at boot.
 */
export const SUBSCRIPTIONS: { service: string; stream: string; events: EventSchema[] }[] = [
  {
    service: "notification",
    stream: USER_STREAM.name,
    events: [UserRegisteredV1, EmailCodeRequestedV1, PasswordResetRequestedV1],
  },
  { service: "notification", stream: AUCTION_STREAM.name, events: [...notificationAuctionEvents] },
  { service: "notification", stream: CATALOG_STREAM.name, events: [...notificationCatalogEvents] },
  { service: "notification", stream: PAYMENT_STREAM.name, events: [...notificationPaymentEvents] },
  { service: "catalog", stream: AUCTION_STREAM.name, events: [...lotEvents] },
  { service: "auction", stream: AUCTION_STREAM.name, events: [HoldReleaseRequestedV1] },
  {
    service: "auction",
    stream: USER_STREAM.name,
    events: [UserSuspendedV1, BankAccountLinkedV1, BankAccountUnlinkedV1],
  },
  { service: "history", stream: AUCTION_STREAM.name, events: [...historyAuctionEvents] },
  { service: "history", stream: CATALOG_STREAM.name, events: [...historyCatalogEvents] },
  {
    service: "payment",
    stream: AUCTION_STREAM.name,
    events: [LotSoldV1, LotUnsoldV1, LotCancelledV1, BidPlacedV1],
  },
  { service: "payment", stream: BANK_STREAM.name, events: [HoldPlacedV1, HoldReleasedV1, HoldCapturedV1] },
];
