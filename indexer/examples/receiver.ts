/**
 * A small webhook receiver, as a merchant's helpdesk bridge would run it: it verifies each delivery's
 * Standard Webhooks signature, drops duplicates by `webhook-id`, and maps the CareLedger event onto a
 * Zendesk-style ticket update (indexer/README.md, "Mapping onto a helpdesk").
 *
 *   WEBHOOK_SECRET=whsec_... PORT=4000 node examples/receiver.ts
 *
 * A real bridge would call the helpdesk's API with the update and keep the seen ids in its database.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";

import { Webhook, WebhookVerificationError } from "standardwebhooks";

/** The body CareLedger delivers (one event per delivery). */
export interface CareLedgerEvent {
  id: string;
  type: string;
  chainId: number;
  merchantId: number;
  ticketId: string;
  blockNumber: string;
  transactionHash: string;
  logIndex: number;
  timestamp: number;
  data: Record<string, string | number | boolean>;
}

/** What a Zendesk-style helpdesk needs to upsert its ticket. */
export interface HelpdeskUpdate {
  /** The helpdesk ticket's external id: the CareLedger ticket (chain and id). */
  externalId: string;
  status?: "new" | "open" | "pending" | "solved" | "closed";
  priority?: "low" | "normal" | "high" | "urgent";
  /** A private note for the agents (commitment hashes only: the content stays off chain). */
  comment: string;
  tags: string[];
}

const STATUS: Record<number, HelpdeskUpdate["status"]> = {
  1: "open", // Open
  2: "open", // InProgress
  3: "pending", // AwaitingCustomer
  4: "solved", // Resolved
  5: "closed", // Closed
  6: "open", // Escalated (tagged "escalated")
  7: "closed", // Cancelled (tagged "cancelled")
};
const PRIORITY = ["low", "normal", "high", "urgent"] as const;

/** Verifies the signature and timestamp (throws `WebhookVerificationError`) and returns the event. */
export function verifyDelivery(
  secret: string,
  body: string,
  headers: IncomingHttpHeaders | Record<string, string>,
): CareLedgerEvent {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers))
    if (typeof value === "string") flat[key.toLowerCase()] = value;
  return new Webhook(secret).verify(body, flat) as CareLedgerEvent;
}

export function toHelpdesk(event: CareLedgerEvent): HelpdeskUpdate {
  const externalId = `careledger:${event.chainId}:${event.ticketId}`;
  const d = event.data;
  switch (event.type) {
    case "ticket.opened":
      return {
        externalId,
        status: "new",
        priority: PRIORITY[Number(d.priority)] ?? "normal",
        comment: `Opened on chain; order ${String(d.orderRef)}, content ${String(d.contentHash)}`,
        tags: ["careledger"],
      };
    case "ticket.status_changed": {
      const to = Number(d.to);
      return {
        externalId,
        status: STATUS[to],
        comment: `Status ${String(d.from)} -> ${to} by ${String(d.actor)} (note ${String(d.noteHash)})`,
        tags: to === 6 ? ["escalated"] : to === 7 ? ["cancelled"] : [],
      };
    }
    case "ticket.message_posted":
      return {
        externalId,
        comment: `Message ${String(d.contentHash)} from ${String(d.author)}`,
        tags: [],
      };
    case "ticket.deadline_missed":
      return {
        externalId,
        comment: `The ${String(d.deadline)} deadline was missed`,
        tags: ["sla-missed"],
      };
    case "compensation.paid":
      return {
        externalId,
        comment: `SLA compensation of ${String(d.amount)} paid`,
        tags: ["sla-compensated"],
      };
    case "feedback.given":
      return {
        externalId,
        comment: `Rated ${String(d.rating)}/5 (comment ${String(d.commentHash)})`,
        tags: [`rating-${String(d.rating)}`],
      };
    default:
      // refund.requested / paid / rejected / disputed / resolved
      return {
        externalId,
        comment: `${event.type} (refund ${String(d.refundId)}${d.amount === undefined ? "" : `, ${String(d.amount)}`})`,
        tags: [event.type.replace(".", "-")],
      };
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const secret = process.env.WEBHOOK_SECRET;
  if (secret === undefined) throw new Error("WEBHOOK_SECRET is required");
  const seen = new Set<string>();
  createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      try {
        const event = verifyDelivery(secret, body, req.headers);
        if (!seen.has(event.id)) {
          seen.add(event.id);
          console.log(
            JSON.stringify({ event: event.id, type: event.type, update: toHelpdesk(event) }),
          );
        }
        res.writeHead(204).end();
      } catch (error) {
        res.writeHead(error instanceof WebhookVerificationError ? 401 : 400).end();
      }
    });
  }).listen(Number(process.env.PORT ?? 4000), "127.0.0.1");
}
