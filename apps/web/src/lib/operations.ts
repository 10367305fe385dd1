/**
 * The HTTP operations the web app calls, checked against `@arte/contracts` at compile time: each entry's
 * method and path must equal the contract's (a renamed path fails the type check), and request and
 * response types are inferred from the contract's zod schemas. Only types are imported, so no schema
 * code reaches the bundle. The public path is `/api/<service><path>`.
 */

import type * as auctionContract from "@arte/contracts/auction.js";
import type * as catalogContract from "@arte/contracts/catalog.js";
import type * as historyContract from "@arte/contracts/history.js";
import type * as notificationContract from "@arte/contracts/notification.js";
import type * as paymentContract from "@arte/contracts/payment.js";
import type * as usersContract from "@arte/contracts/users.js";
import type { z } from "zod";

type Contracts = {
  users: typeof usersContract.usersOperations;
  catalog: typeof catalogContract.catalogOperations;
  auction: typeof auctionContract.auctionOperations;
  history: typeof historyContract.historyOperations;
  payment: typeof paymentContract.paymentOperations;
  notification: typeof notificationContract.notificationOperations;
};
export type Service = keyof Contracts;
type Ref<S extends Service> = {
  [K in keyof Contracts[S]]?: {
    method: Contracts[S][K] extends { method: infer M } ? M : never;
    path: Contracts[S][K] extends { path: infer P } ? P : never;
  };
};

export const operations = {
  users: {
    requestEmailCode: { method: "POST", path: "/v1/email-verifications" },
    confirmEmailCode: { method: "POST", path: "/v1/email-verifications/confirm" },
    signUp: { method: "POST", path: "/v1/users" },
    login: { method: "POST", path: "/v1/auth/login" },
    refresh: { method: "POST", path: "/v1/auth/refresh" },
    logout: { method: "POST", path: "/v1/auth/logout" },
    getMe: { method: "GET", path: "/v1/me" },
    updateMe: { method: "PATCH", path: "/v1/me" },
    forgotPassword: { method: "POST", path: "/v1/password-resets" },
    resetPassword: { method: "POST", path: "/v1/password-resets/confirm" },
    adminListUsers: { method: "GET", path: "/v1/admin/users" },
    adminSuspendUser: { method: "POST", path: "/v1/admin/users/:id/suspend" },
    adminUnsuspendUser: { method: "POST", path: "/v1/admin/users/:id/unsuspend" },
    getMyBankAccount: { method: "GET", path: "/v1/me/bank-account" },
    linkBankAccount: { method: "POST", path: "/v1/me/bank-account" },
    unlinkBankAccount: { method: "DELETE", path: "/v1/me/bank-account" },
    openDemoBankAccount: { method: "POST", path: "/v1/me/bank-account/demo" },
    topUpBankAccount: { method: "POST", path: "/v1/me/bank-account/top-up" },
  },
  catalog: {
    getReference: { method: "GET", path: "/v1/reference" },
    listArtworks: { method: "GET", path: "/v1/artworks" },
    getArtwork: { method: "GET", path: "/v1/artworks/:id" },
    getArtist: { method: "GET", path: "/v1/artists/:id" },
    myWatchlist: { method: "GET", path: "/v1/me/watchlist" },
    watchArtwork: { method: "PUT", path: "/v1/me/watchlist/:id" },
    unwatchArtwork: { method: "DELETE", path: "/v1/me/watchlist/:id" },
    listArtists: { method: "GET", path: "/v1/artists" },
    adminCreateArtist: { method: "POST", path: "/v1/admin/artists" },
    adminUpdateArtist: { method: "PATCH", path: "/v1/admin/artists/:id" },
    adminUploadPortrait: { method: "PUT", path: "/v1/admin/artists/:id/portrait" },
    adminListArtworks: { method: "GET", path: "/v1/admin/artworks" },
    adminGetArtwork: { method: "GET", path: "/v1/admin/artworks/:id" },
    adminCreateArtwork: { method: "POST", path: "/v1/admin/artworks" },
    adminUpdateArtwork: { method: "PATCH", path: "/v1/admin/artworks/:id" },
    adminArchiveArtwork: { method: "POST", path: "/v1/admin/artworks/:id/archive" },
    adminUploadImages: { method: "POST", path: "/v1/admin/artworks/:id/images" },
    adminReorderImages: { method: "PUT", path: "/v1/admin/artworks/:id/images/order" },
    adminSetPrimaryImage: { method: "POST", path: "/v1/admin/artworks/:id/images/:imageId/primary" },
    adminDeleteImage: { method: "DELETE", path: "/v1/admin/artworks/:id/images/:imageId" },
  },
  auction: {
    getLot: { method: "GET", path: "/v1/lots/:lotId" },
    placeBid: { method: "POST", path: "/v1/lots/:lotId/bids" },
    listLots: { method: "GET", path: "/v1/lots" },
    adminCreateLot: { method: "POST", path: "/v1/admin/lots" },
    adminGetLot: { method: "GET", path: "/v1/admin/lots/:lotId" },
    adminUpdateLot: { method: "PATCH", path: "/v1/admin/lots/:lotId" },
    adminCancelLot: { method: "POST", path: "/v1/admin/lots/:lotId/cancel" },
  },
  history: {
    lotBids: { method: "GET", path: "/v1/lots/:lotId/bids" },
    myBids: { method: "GET", path: "/v1/me/bids" },
    adminBidAttempts: { method: "GET", path: "/v1/admin/bid-attempts" },
  },
  payment: {
    myPurchases: { method: "GET", path: "/v1/me/purchases" },
    myInvoice: { method: "GET", path: "/v1/me/invoices/:id" },
    adminListInvoices: { method: "GET", path: "/v1/admin/invoices" },
    adminGetInvoice: { method: "GET", path: "/v1/admin/invoices/:id" },
    adminRetryInvoice: { method: "POST", path: "/v1/admin/invoices/:id/retry" },
    adminOfferRunnerUp: { method: "POST", path: "/v1/admin/invoices/:id/offer-runner-up" },
    adminRefundInvoice: { method: "POST", path: "/v1/admin/invoices/:id/refunds" },
    adminDailyTotals: { method: "GET", path: "/v1/admin/payments/daily-totals" },
  },
  notification: {
    listMyNotifications: { method: "GET", path: "/v1/me/notifications" },
    myUnreadNotificationCount: { method: "GET", path: "/v1/me/notifications/unread-count" },
    markNotificationRead: { method: "POST", path: "/v1/me/notifications/:id/read" },
    markAllNotificationsRead: { method: "POST", path: "/v1/me/notifications/read-all" },
  },
} as const satisfies { [S in Service]: Ref<S> };

type Ops = typeof operations;
export type OpId<S extends Service> = keyof Ops[S] & keyof Contracts[S];
type Contract<S extends Service, K extends OpId<S>> = Contracts[S][K];
type SchemaOut<T> = T extends z.ZodType ? z.output<T> : undefined;
type SchemaIn<T> = T extends z.ZodType ? z.input<T> : undefined;

type Success<R> =
  R extends Record<number, unknown>
    ? { [C in keyof R]: C extends 200 | 201 | 202 | 204 ? R[C] : never }[keyof R]
    : never;

/** What a successful call answers (undefined for 204). */
export type Response<S extends Service, K extends OpId<S>> = SchemaOut<
  Success<Contract<S, K> extends { responses: infer R } ? R : never>
>;
/** The request body the contract accepts (before its transforms). */
export type Body<S extends Service, K extends OpId<S>> =
  Contract<S, K> extends { body: infer B } ? SchemaIn<B> : undefined;
/** Query parameters (strings on the wire). */
export type Query<S extends Service, K extends OpId<S>> =
  Contract<S, K> extends { query: infer Q }
    ? Partial<Record<keyof SchemaIn<Q> & string, string | number | undefined>>
    : undefined;
