/**
 * The relayer's HTTP interface (node:http, no framework: four routes).
 *
 * - `POST /relay` with a signed ForwardRequest (integers as decimal strings): 202 `{ hash }`, or an error
 *   `{ error: { code, message, revert? } }` with 400 (malformed), 401 (bad signature), 403 (foreign
 *   target, expired, value, gas), 409 (replayed), 422 (the call reverts: `revert` is the decoded error),
 *   429 (rate limited, with Retry-After).
 * - `GET /status/<hash>`: `{ hash, status: pending | mined | failed | unknown, blockNumber? }`.
 * - `GET /health`: the chain, the relayer's address and balance.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

import type { Logger } from "./log.ts";
import { RelayRefusal, parseForwardRequest, type Relayer } from "./relayer.ts";

/** The largest body accepted: a ForwardRequest is well under 4 KiB. */
const MAX_BODY_BYTES = 64 * 1024;

export interface ServerOptions {
  relayer: Relayer;
  logger: Logger;
  corsOrigin: string;
}

export function createRelayerServer({ relayer, logger, corsOrigin }: ServerOptions): Server {
  return createServer((request, response) => {
    const started = Date.now();
    handle(relayer, request, response, corsOrigin)
      .catch((error: unknown) => {
        if (error instanceof RelayRefusal) {
          if (error.retryAfterSeconds !== undefined) {
            response.setHeader("retry-after", String(error.retryAfterSeconds));
          }
          send(response, error.status, {
            error: { code: error.code, message: error.message, revert: error.revert },
          });
          logger.warn("refused", { code: error.code, reason: error.message });
          return;
        }
        logger.error("failed", { error: error instanceof Error ? error.message : String(error) });
        send(response, 500, { error: { code: "internal", message: "the relayer failed" } });
      })
      .finally(() => {
        logger.info("request", {
          method: request.method,
          path: request.url,
          status: response.statusCode,
          ms: Date.now() - started,
        });
      });
  });
}

async function handle(
  relayer: Relayer,
  request: IncomingMessage,
  response: ServerResponse,
  corsOrigin: string,
): Promise<void> {
  response.setHeader("access-control-allow-origin", corsOrigin);
  response.setHeader("access-control-allow-headers", "content-type");
  response.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
  const url = new URL(request.url ?? "/", "http://relayer");
  if (request.method === "OPTIONS") {
    response.writeHead(204).end();
    return;
  }
  if (request.method === "GET" && url.pathname === "/health") {
    send(response, 200, await relayer.health());
    return;
  }
  const status = /^\/status\/(0x[0-9a-fA-F]{64})$/.exec(url.pathname);
  if (request.method === "GET" && status?.[1] !== undefined) {
    send(response, 200, await relayer.status(status[1]));
    return;
  }
  if (request.method === "POST" && url.pathname === "/relay") {
    const forwardRequest = parseForwardRequest(await readJson(request));
    const hash = await relayer.relay(forwardRequest);
    send(response, 202, { hash, status: "pending" });
    return;
  }
  throw new RelayRefusal(404, "not-found", `no route ${request.method ?? ""} ${url.pathname}`);
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      throw new RelayRefusal(413, "too-large", `the body is larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch {
    throw new RelayRefusal(400, "malformed", "the body is not JSON");
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, { "content-type": "application/json" });
  response.end(
    JSON.stringify(body, (_key, value) =>
      typeof value === "bigint" ? value.toString() : (value as unknown),
    ),
  );
}
