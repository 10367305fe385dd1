import { describe, expect, it } from "vitest";
import { escapeLike } from "../accounts/users.repository.js";
import { decodeCursor, encodeCursor } from "./cursor.domain.js";

describe("admin cursor", () => {
  const c = { createdAt: "2024-05-01T10:20:30.123456Z", id: "0b7d7f2e-4f5a-4b7c-9d1e-2f3a4b5c6d7e" };
  it("round-trips", () => {
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
  });
  it("refuses anything it did not make", () => {
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    for (const bad of [
      "",
      "!!!",
      enc({ createdAt: c.createdAt, id: c.id }),
      enc([c.createdAt]),
      enc(["2024-05-01", c.id]),
      enc([c.createdAt, "1 OR 1=1"]),
      enc([c.createdAt, c.id, 3]),
      "a".repeat(501),
    ])
      expect(decodeCursor(bad)).toBeNull();
  });
  it("escapes LIKE wildcards", () => {
    expect(escapeLike("100%_a\\b")).toBe("100\\%\\_a\\\\b");
  });
});
