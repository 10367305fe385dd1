import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, setSession } from "../../lib/api-client";
import { uploadFiles, uploadUrl } from "./admin-upload";

const ID = "6f1c7d0e-2b1a-4a51-9a3e-1f2b3c4d5e6f";
const session = (token: string) => ({ accessToken: token }) as unknown as Parameters<typeof setSession>[0];
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

afterEach(() => {
  vi.unstubAllGlobals();
  setSession(null);
});

describe("uploadFiles", () => {
  it("posts the files as multipart with the access token", async () => {
    setSession(session("t1"));
    const fetchMock = vi.fn(async (..._args: unknown[]) => json(201, { images: [] }));
    vi.stubGlobal("fetch", fetchMock);
    const file = new File([new Uint8Array([1, 2, 3])], "a.jpg", { type: "image/jpeg" });
    await expect(uploadFiles("adminUploadImages", ID, [file])).resolves.toEqual({ images: [] });
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe(`/api/catalog/v1/admin/artworks/${ID}/images`);
    expect(init.method).toBe("POST");
    expect((init.headers as Record<string, string>).authorization).toBe("Bearer t1");
    expect((init.headers as Record<string, string>)["content-type"]).toBeUndefined();
    expect((init.body as FormData).getAll("file")).toHaveLength(1);
  });

  it("refreshes once on a 401 and retries with the new token", async () => {
    setSession(session("old"));
    const fetchMock = vi.fn(async (url: string, init: RequestInit) => {
      if (url.includes("/v1/auth/refresh")) return json(200, { accessToken: "new" });
      const auth = (init.headers as Record<string, string>).authorization;
      return auth === "Bearer new" ? json(200, { id: ID }) : json(401, { code: "TOKEN_EXPIRED" });
    });
    vi.stubGlobal("fetch", fetchMock);
    vi.stubGlobal("localStorage", { setItem() {}, removeItem() {}, getItem: () => null });
    const file = new File([new Uint8Array([1])], "p.png", { type: "image/png" });
    await expect(uploadFiles("adminUploadPortrait", ID, [file])).resolves.toEqual({ id: ID });
    expect(fetchMock).toHaveBeenCalledTimes(3);
    expect(uploadUrl("adminUploadPortrait", ID)).toBe(`/api/catalog/v1/admin/artists/${ID}/portrait`);
  });

  it("turns a problem body into an ApiError by code", async () => {
    vi.stubGlobal("fetch", async () => json(409, { code: "TOO_MANY_IMAGES", title: "Conflict" }));
    const err = await uploadFiles("adminUploadImages", ID, []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: "TOO_MANY_IMAGES", status: 409 });
  });
});
