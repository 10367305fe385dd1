import { SERVICE_OPERATIONS } from "@arte/contracts";
import { describe, expect, it } from "vitest";
import { createOperationMatcher } from "./operations.js";

const match = createOperationMatcher(SERVICE_OPERATIONS);
const id = "0b6f3a0e-4c7e-4bb4-9a57-1f9a1c3d2e10";

describe("createOperationMatcher", () => {
  it("finds an operation by exact method and path and keeps the query and the service path", () => {
    const r = match.resolve("GET", "/api/users/v1/admin/users?q=kim&limit=5");
    expect(r).toMatchObject({
      ok: true,
      route: { service: "users", upstreamPath: "/v1/admin/users", search: "?q=kim&limit=5" },
    });
    if (r.ok) expect(r.route.operation.id).toBe("adminListUsers");
  });

  it("binds a :param to exactly one segment", () => {
    const r = match.resolve("POST", `/api/users/v1/admin/users/${id}/suspend`);
    expect(r.ok && r.route.operation.id).toBe("adminSuspendUser");
    expect(match.resolve("POST", `/api/users/v1/admin/users/${id}/x/suspend`).ok).toBe(false);
  });

  it("treats HEAD as GET", () => {
    const r = match.resolve("HEAD", "/api/users/v1/me");
    expect(r.ok && r.route.operation.id).toBe("getMe");
  });

  it("refuses the wrong method", () => {
    expect(match.resolve("DELETE", "/api/users/v1/me")).toEqual({ ok: false, reason: "no-operation" });
    expect(match.resolve("GET", "/api/users/v1/auth/login")).toEqual({ ok: false, reason: "no-operation" });
  });

  it("refuses unknown services", () => {
    expect(match.resolve("GET", "/api/nope/v1/me")).toEqual({ ok: false, reason: "unknown-service" });
    expect(match.resolve("GET", "/api/USERS/v1/me")).toEqual({ ok: false, reason: "unknown-service" });
    expect(match.resolve("GET", "/api/__proto__/v1/me")).toEqual({ ok: false, reason: "unknown-service" });
  });

  it.each([
    "/api/users/v1/auth/login/../admin/users",
    "/api/users/v1/auth/login/%2e%2e/admin/users",
    "/api/users/v1/auth/login/%2E%2E/admin/users",
    "/api/users/v1/admin/users/%2e%2e",
    "/api/users/v1/admin/users/..%2f..%2fme",
    "/api/users/v1/admin/users/%252e%252e",
    "/api/users/v1/admin/users/a\\b",
    "/api/users/v1//me",
    "/api/users/./v1/me",
  ])("refuses the rewritable path %s", (path) => {
    const r = match.resolve("GET", path);
    expect(r.ok).toBe(false);
  });

  it.each([
    "/api/users/v1/admin/usersX",
    "/api/users/v1/admin/users/",
    "/api/users/v1/me/",
    "/api/users/v1/ME",
    "/api/users/x/v1/auth/login",
    "/api/users/v1/auth/login/x",
    "/api/users",
    "/api/users/",
    "/users/v1/me",
  ])("matches no substring or near miss: %s", (path) => {
    expect(match.resolve("GET", path).ok).toBe(false);
    expect(match.resolve("POST", path).ok).toBe(false);
  });
});
