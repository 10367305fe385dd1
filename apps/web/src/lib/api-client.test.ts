import { describe, expect, it } from "vitest";
import { toApiError } from "./api-client";

describe("toApiError", () => {
  it("reads code, status, request id and field errors from problem+json", async () => {
    const body = {
      type: "about:blank",
      title: "Bad Request",
      status: 400,
      code: "VALIDATION_FAILED",
      detail: "phoneNumber is invalid",
      requestId: "req-1",
      errors: [{ path: "phoneNumber", message: "a Korean mobile number" }],
      error: { code: "VALIDATION_FAILED", message: "phoneNumber is invalid" },
    };
    const err = await toApiError(
      new Response(JSON.stringify(body), {
        status: 400,
        headers: { "content-type": "application/problem+json" },
      }),
    );
    expect(err).toMatchObject({ code: "VALIDATION_FAILED", status: 400, requestId: "req-1" });
    expect(err.fieldErrors).toEqual(body.errors);
    expect(err.message).toBe("phoneNumber is invalid");
  });

  it("derives a code from the status when the body is not a problem", async () => {
    expect((await toApiError(new Response("<html>", { status: 502 }))).code).toBe("BAD_GATEWAY");
    expect((await toApiError(new Response("", { status: 418 }))).code).toBe("UNKNOWN_ERROR");
    expect((await toApiError(new Response(null, { status: 503 }))).code).toBe("SERVICE_UNAVAILABLE");
  });
});
