/**
 * A webhook receiver for the tests: it verifies every delivery with the `standardwebhooks` verifier
 * (through examples/receiver.ts), records each attempt in arrival order, and answers as `behave` says
 * for that attempt of that event id. `close()` takes it down (connections refused); `listen(port)`
 * brings it back on the same port.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";

import { verifyDelivery, type CareLedgerEvent } from "../examples/receiver.ts";
import { freePort, waitFor } from "./harness.ts";

export interface Received {
  id: string;
  ticketId: string;
  position: [number, number];
  ok: boolean;
}

export type Behaviour = "ok" | "error" | "hang";

export class Receiver {
  readonly received: Received[] = [];
  readonly attempts = new Map<string, number>();
  verificationFailures = 0;
  secret = "";
  /** What to answer to attempt `attempt` (1-based, counted here) of an event. */
  behave: (attempt: number) => Behaviour = () => "ok";
  /** How long a "hang" waits before answering (longer than the worker's timeout). */
  hangMs = 1_500;
  #server: Server | undefined;
  port = 0;

  async listen(port?: number): Promise<void> {
    this.port = port ?? (await freePort());
    this.#server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        let event: CareLedgerEvent;
        try {
          event = verifyDelivery(this.secret, body, req.headers);
        } catch {
          this.verificationFailures += 1;
          res.writeHead(401).end();
          return;
        }
        const attempt = (this.attempts.get(event.id) ?? 0) + 1;
        this.attempts.set(event.id, attempt);
        const mode = this.behave(attempt);
        this.received.push({
          id: event.id,
          ticketId: event.ticketId,
          position: [Number(event.blockNumber), event.logIndex],
          ok: mode === "ok",
        });
        if (mode === "ok") res.writeHead(204).end();
        else if (mode === "error") res.writeHead(503).end();
        // "hang": answer after the worker's timeout; the worker counts it as failed.
        else setTimeout(() => res.writeHead(204).end(), this.hangMs);
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(this.port, "127.0.0.1", resolve));
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  /** Ids answered with a success. */
  delivered(): Set<string> {
    return new Set(this.received.filter((r) => r.ok).map((r) => r.id));
  }

  /**
   * Waits until every event of `ids` was answered with a success, then checks that no other event was,
   * that each ticket's attempts kept chain order and that every delivery's signature verified.
   */
  async deliveredExactly(ids: string[], what: string, timeoutMs: number): Promise<void> {
    await waitFor(
      what,
      async () => (ids.every((id) => this.delivered().has(id)) ? true : undefined),
      timeoutMs,
      200,
    );
    assert.deepEqual([...this.delivered()].sort(), [...ids].sort());
    assert.deepEqual(this.outOfOrder(), []);
    assert.equal(this.verificationFailures, 0);
  }

  /**
   * Where an attempt of a ticket's event arrived after an attempt of a later event of the same ticket
   * (failed attempts included): empty when every ticket's deliveries followed chain order.
   */
  outOfOrder(): string[] {
    const last = new Map<string, [number, number]>();
    const problems: string[] = [];
    for (const r of this.received) {
      const before = last.get(r.ticketId);
      if (
        before !== undefined &&
        (before[0] > r.position[0] || (before[0] === r.position[0] && before[1] > r.position[1]))
      )
        problems.push(`ticket ${r.ticketId}: ${before.join(":")} then ${r.position.join(":")}`);
      last.set(r.ticketId, r.position);
    }
    return problems;
  }
}
