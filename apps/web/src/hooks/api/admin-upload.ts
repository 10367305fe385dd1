/**
 * Multipart uploads of the catalog's admin image operations. The api() wrapper speaks JSON only, so
 * files go through fetch with FormData here, with the same access token and the same single refresh
 * and retry on a 401, and the same {@link ApiError} on failure.
 */
import { ApiError, getSession, refreshSession, toApiError } from "../../lib/api-client";
import { operations, type Response } from "../../lib/operations";

type UploadOp = "adminUploadImages" | "adminUploadPortrait";

export function uploadUrl(op: UploadOp, id: string) {
  return `/api/catalog${operations.catalog[op].path.replace(":id", encodeURIComponent(id))}`;
}

/** Sends files as multipart/form-data (one `file` part each); the browser sets the boundary. */
export async function uploadFiles<K extends UploadOp>(
  op: K,
  id: string,
  files: readonly File[],
  signal?: AbortSignal,
): Promise<Response<"catalog", K>> {
  const url = uploadUrl(op, id);
  const send = async () => {
    const form = new FormData();
    for (const f of files) form.append("file", f, f.name);
    const headers: Record<string, string> = { accept: "application/json" };
    const session = getSession();
    if (session) headers.authorization = `Bearer ${session.accessToken}`;
    try {
      return await fetch(url, {
        method: operations.catalog[op].method,
        headers,
        credentials: "same-origin",
        body: form,
        signal: signal ?? null,
      });
    } catch (err) {
      if ((err as Error).name === "AbortError") throw err;
      throw new ApiError({ code: "NETWORK_ERROR", status: 0, message: String(err) });
    }
  };
  let res = await send();
  if (res.status === 401 && getSession()) {
    const renewed = await refreshSession();
    if (renewed) res = await send();
  }
  if (!res.ok) throw await toApiError(res);
  return (await res.json()) as Response<"catalog", K>;
}
