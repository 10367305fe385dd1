import { useEffect, useState } from "react";

/** Now, ticking every `ms` (one shared clock per component). */
export function useNow(ms = 1000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** "2d 03:04:05" / "03:04:05" / "04:05" for a non-negative number of milliseconds. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  const clock = h > 0 || d > 0 ? `${pad(h)}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
  return d > 0 ? `${d}d ${clock}` : clock;
}

// ---- server time: countdowns run on the gateway's clock, not the device's ----

/** One clock reading: the server's epoch ms, and when the request left and the answer came (device ms). */
export type ClockSample = { serverMs: number; sentAt: number; receivedAt: number };

/**
 * The device-to-server offset (server = device + offset) from recent readings: the one with the
 * shortest round trip is the most exact (the server read its clock halfway through it). Null without
 * readings.
 */
export function estimateOffset(samples: readonly ClockSample[]): number | null {
  let best: ClockSample | null = null;
  for (const s of samples) {
    if (s.receivedAt < s.sentAt) continue;
    if (!best || s.receivedAt - s.sentAt < best.receivedAt - best.sentAt) best = s;
  }
  return best ? Math.round(best.serverMs - (best.sentAt + best.receivedAt) / 2) : null;
}

const MAX_SAMPLES = 8;
const samples: ClockSample[] = [];
let offset = 0;
const clockListeners = new Set<() => void>();

/** Records a reading (GET /api/time, or the live feed's welcome and pong). */
export function noteServerTime(sample: ClockSample) {
  samples.push(sample);
  if (samples.length > MAX_SAMPLES) samples.shift();
  const next = estimateOffset(samples);
  if (next !== null && next !== offset) {
    offset = next;
    for (const l of clockListeners) l();
  }
}

/** Whether any reading has been taken yet. */
export const hasServerTime = () => samples.length > 0;
/** The server's time now, in epoch ms (the device's until a reading arrives). */
export const serverNow = () => Date.now() + offset;

let syncing: Promise<void> | null = null;
/** Reads the gateway's clock once (GET /api/time) unless a reading exists; failures are ignored. */
export function syncServerClock(): Promise<void> {
  if (hasServerTime()) return Promise.resolve();
  syncing ??= (async () => {
    try {
      const sentAt = Date.now();
      const res = await fetch("/api/time", { headers: { accept: "application/json" }, cache: "no-store" });
      const receivedAt = Date.now();
      if (!res.ok) return;
      const body = (await res.json()) as { epochMs?: unknown };
      if (typeof body.epochMs === "number") noteServerTime({ serverMs: body.epochMs, sentAt, receivedAt });
    } catch {
      // the device clock stands in
    } finally {
      syncing = null;
    }
  })();
  return syncing;
}

/** The server's time, ticking every `ms`; re-renders when a better clock reading arrives. */
export function useServerNow(ms = 1000) {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    void syncServerClock();
    const tick = () => setNow(serverNow());
    clockListeners.add(tick);
    const id = setInterval(tick, ms);
    return () => {
      clearInterval(id);
      clockListeners.delete(tick);
    };
  }, [ms]);
  return now;
}
