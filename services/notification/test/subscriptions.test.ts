import { SUBSCRIPTIONS } from "@arte/contracts";
import { expect, it } from "vitest";
import { auctionHandlers } from "../src/consumers/auction-events.consumer.js";
import { catalogHandlers } from "../src/consumers/catalog-events.consumer.js";
import { paymentHandlers } from "../src/consumers/payment-events.consumer.js";

const types = (xs: readonly { schema: { shape: { type: { value: string } } } }[]) =>
  xs.map((x) => x.schema.shape.type.value).sort();

it("consumes exactly the events the contracts subscribe it to", () => {
  const deps = { db: {} as never, delivery: {} as never, publicUrl: "https://arte.example" };
  const subscribed = (stream: string) =>
    SUBSCRIPTIONS.filter((s) => s.service === "notification" && s.stream === stream)
      .flatMap((s) => s.events.map((e) => e.shape.type.value))
      .sort();
  expect(types(auctionHandlers(deps))).toEqual(subscribed("AUCTION"));
  expect(types(catalogHandlers(deps))).toEqual(subscribed("CATALOG"));
  expect(types(paymentHandlers(deps))).toEqual(subscribed("PAYMENT"));
});
