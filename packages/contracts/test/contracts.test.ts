import { describe, expect, it } from "vitest";
import { bank, type EventSchema, SERVICE_OPERATIONS, STREAMS, SUBSCRIPTIONS, users } from "../src/index.js";

const allEvents: EventSchema[] = [...users.userEvents, ...bank.bankEvents];

describe("field rules shared by the server and the web app", () => {
  it.each([
    ["010-1234-5678", "010-1234-5678"],
    ["01012345678", "010-1234-5678"],
    ["011-123-4567", "011-123-4567"],
  ])("normalises the Korean mobile number %s", (input, out) => {
    expect(users.KoreanMobile.parse(input)).toBe(out);
  });

  it.each(["02-123-4567", "010-12-5678", "+82 10 1234 5678", "010-1234-56789"])(
    "refuses %s as a mobile number",
    (s) => {
      expect(users.KoreanMobile.safeParse(s).success).toBe(false);
    },
  );

  it.each(["2023-02-31", "1899-12-31", "2999-01-01", "1990-13-01", "19900101"])(
    "refuses %s as a birth date",
    (s) => {
      expect(users.BirthDate.safeParse(s).success).toBe(false);
    },
  );

  it("accepts a real past birth date, including 29 February of a leap year", () => {
    expect(users.BirthDate.parse("2000-02-29")).toBe("2000-02-29");
  });

  it.each(["short1", "onlyletters-long", "1234567890123", "tab\there-12345"])(
    "refuses the password %j",
    (s) => {
      expect(users.Password.safeParse(s).success).toBe(false);
    },
  );

  it("accepts a long password with a letter and a digit, in any script", () => {
    expect(users.Password.safeParse("비밀번호는길어야해요1").success).toBe(true);
  });

  it("lower-cases and trims emails", () => {
    expect(users.Email.parse("  Kim.MinJi@Example.COM ")).toBe("kim.minji@example.com");
  });

  it("refuses unknown fields on sign-up", () => {
    const r = users.SignUpBody.safeParse({ role: "ADMIN" });
    expect(r.success).toBe(false);
    expect(r.error?.issues.some((i) => i.code === "unrecognized_keys")).toBe(true);
  });
});

describe("operations", () => {
  const ops = Object.entries(SERVICE_OPERATIONS).flatMap(([service, table]) =>
    Object.entries(table).map(([key, op]) => ({ service, key, op })),
  );

  it("have unique ids and unique method + path per service", () => {
    const ids = ops.map((o) => `${o.service}:${o.op.id}`);
    expect(new Set(ids).size).toBe(ids.length);
    const routes = ops.map((o) => `${o.service} ${o.op.method} ${o.op.path}`);
    expect(new Set(routes).size).toBe(routes.length);
  });

  it("name their key after their id, start with /v<N>/ or /.well-known/, and declare an access", () => {
    for (const { key, op } of ops) {
      expect(op.id).toBe(key);
      expect(op.path).toMatch(/^\/(v\d+|\.well-known)\//);
      expect(["public", "user", "admin"]).toContain(op.access);
    }
  });

  it("put every admin operation under /admin/ and make it admin-only", () => {
    for (const { op } of ops) {
      if (op.path.includes("/admin/")) expect(op.access).toBe("admin");
    }
  });

  it("declare params for every :param in the path", () => {
    for (const { op } of ops) {
      if (op.path.includes(":")) expect(op.params).toBeDefined();
    }
  });
});

describe("events", () => {
  it("are named <context>.<entity>.<past-tense verb>.v<N>", () => {
    for (const e of allEvents) expect(e.shape.type.value).toMatch(/^[a-z]+\.[a-z_]+\.[a-z_]+\.v\d+$/);
  });

  it("each fall under exactly one stream", () => {
    for (const e of allEvents) {
      const type = e.shape.type.value;
      const streams = STREAMS.filter((s) =>
        s.subjects.some((subj) => subj.endsWith(">") && type.startsWith(subj.slice(0, -1))),
      );
      expect(streams).toHaveLength(1);
    }
  });

  it("that are subscribed to come from the named stream", () => {
    for (const sub of SUBSCRIPTIONS) {
      const stream = STREAMS.find((s) => s.name === sub.stream);
      expect(stream).toBeDefined();
      for (const e of sub.events) {
        expect(stream!.subjects.some((subj) => e.shape.type.value.startsWith(subj.slice(0, -1)))).toBe(true);
      }
    }
  });

  it("parse a valid envelope and refuse one with a foreign type", () => {
    const event = {
      id: "0b9a3c56-6c1f-4a53-9d6e-2b1c3c2f9a10",
      type: "user.account.registered.v1",
      occurredAt: new Date().toISOString(),
      data: {
        userId: "5f0c1b5e-7d0e-4b8e-9a52-0c6a1d2e3f40",
        email: "a@b.co",
        username: "Kim",
        locale: "ko",
      },
    };
    expect(users.UserRegisteredV1.safeParse(event).success).toBe(true);
    expect(users.UserRegisteredV1.safeParse({ ...event, type: "user.account.deleted.v1" }).success).toBe(
      false,
    );
  });
});
