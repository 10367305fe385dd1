import { describe, expect, it } from "vitest";
import { createLotGate } from "./lot-gate.js";

const tick = () => new Promise((r) => setImmediate(r));

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("the per-lot admission gate", () => {
  it("admits at most perLot bids of one lot at a time, the rest in arrival order", async () => {
    const gate = createLotGate(2);
    const started: number[] = [];
    const holds = [0, 1, 2, 3, 4].map(() => deferred());
    const runs = holds.map((h, i) =>
      gate.run("lot-a", async () => {
        started.push(i);
        await h.promise;
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(gate.load("lot-a")).toEqual({ running: 2, waiting: 3 });
    holds[1]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    holds[0]!.resolve();
    holds[2]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    holds[3]!.resolve();
    holds[4]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(gate.load("lot-a")).toEqual({ running: 0, waiting: 0 });
  });

  it("keeps lots independent", async () => {
    const gate = createLotGate(1);
    const a = deferred();
    const runA = gate.run("lot-a", () => a.promise);
    let ranB = false;
    await gate.run("lot-b", async () => {
      ranB = true;
    });
    expect(ranB).toBe(true);
    a.resolve();
    await runA;
  });

  it("lets a bid give its place up early, once, and frees it when the bid throws", async () => {
    const gate = createLotGate(1);
    const order: string[] = [];
    const first = gate.run("lot", async (release) => {
      order.push("first admitted");
      release();
      release(); // twice is once
      await tick();
      await tick();
      order.push("first done");
    });
    const second = gate.run("lot", async () => {
      order.push("second admitted");
    });
    const failing = gate.run("lot", async () => {
      throw new Error("bank down");
    });
    const third = gate.run("lot", async () => {
      order.push("third admitted");
    });
    await Promise.all([first, second, expect(failing).rejects.toThrow("bank down"), third]);
    expect(order.indexOf("second admitted")).toBeLessThan(order.indexOf("first done"));
    expect(order).toContain("third admitted");
    expect(gate.load("lot")).toEqual({ running: 0, waiting: 0 });
  });

  it("refuses a size that is not a positive integer", () => {
    expect(() => createLotGate(0)).toThrow();
    expect(() => createLotGate(1.5)).toThrow();
  });
});
