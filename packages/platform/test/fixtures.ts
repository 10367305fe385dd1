import { randomBytes } from "node:crypto";
import { defineEvent, type StreamSpec } from "@arte/contracts";
import { type Migration, sql } from "kysely";
import { z } from "zod";

/** The platform tests' own stream: `ptest.>` behind the test bus prefix. */
export const PTEST_STREAM: StreamSpec = { name: "PTEST", subjects: ["ptest.>"], maxAgeDays: 1 };

/** A tiny service schema: the platform tables plus one table for handler effects. */
export const PTEST_SCHEMA = "ptest";
export const ptestMigrations: Record<string, Migration> = {
  "0001_thing": {
    async up(db) {
      await sql`create table thing (id uuid primary key, n int, tag text)`.execute(db);
    },
  },
};

export interface PtestDb {
  thing: { id: string; n: number | null; tag: string | null };
}

/** An event type of its own per test (`ptest.<name>.<random>.v1`): a new durable sees only its messages. */
export const thingEvent = (name: string) =>
  defineEvent(
    `ptest.${name}.${randomBytes(3).toString("hex")}.v1`,
    z.object({ n: z.number().int(), tag: z.string().optional() }),
  );

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
