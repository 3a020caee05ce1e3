/**
 * One ticket: its state and deadlines, its timeline (live: it refreshes on every block), and what the
 * viewer may do: the customer's actions, or the merchant's team's.
 */
import { RefundStatus, TicketStatus, ticketTimeline, type TimelineEntry } from "careledger";
import { ZeroAddress } from "ethers";
import { useState, type ReactNode } from "react";

import { Address, Deadline, Field, Hash, TextAction, TxStatus, useTx } from "../components.tsx";
import { refundsOf, type RefundRow, type TicketRow } from "../lib/data.ts";
import { formatEth, formatTime, priorityLabel, statusLabel } from "../lib/format.ts";
import { useBlock, useChainRead, useNow } from "../lib/hooks.ts";
import type { NotesVault } from "../lib/notes.ts";
import { useSession } from "../lib/session.tsx";
import {
  checkAddress,
  checkDeadlinePassed,
  checkRating,
  checkRefundAmount,
  checkText,
  parseAmount,
} from "../lib/validate.ts";
import { useVault } from "../lib/vault.ts";
import { toTicketStatus } from "careledger";

interface TicketData {
  ticket: TicketRow;
  timeline: TimelineEntry[];
  refunds: RefundRow[];
  feedbackId: bigint;
  reserve: bigint;
}

const ACTIVE = new Set([
  TicketStatus.Open,
  TicketStatus.InProgress,
  TicketStatus.AwaitingCustomer,
  TicketStatus.Escalated,
]);

export function TicketPage({
  ticketId,
  role,
  merchantId,
}: {
  ticketId: bigint;
  role: "customer" | "merchant";
  merchantId?: number;
}): ReactNode {
  const { reader } = useSession();
  const block = useBlock();
  const now = useNow();
  const vault = useVault();
  const loaded = useChainRead(
    async (): Promise<TicketData | undefined> => {
      if (ticketId < 1n || ticketId > (await reader.desk.ticketCount())) return undefined;
      const view = await reader.desk.getTicket(ticketId);
      const ticket: TicketRow = {
        id: ticketId,
        customer: view.customer,
        merchantId: Number(view.merchantId),
        status: toTicketStatus(view.status),
        priority: Number(view.priority),
        assignee: view.assignee,
        firstResponseDueAt: Number(view.firstResponseDueAt),
        resolutionDueAt: Number(view.resolutionDueAt),
        firstResponded: view.firstResponded,
        firstResponseMissed: view.firstResponseMissed,
        resolutionMissed: view.resolutionMissed,
        openedAt: 0,
      };
      const [timeline, refunds, feedbackId, reserve] = await Promise.all([
        ticketTimeline(reader, ticketId),
        refundsOf(reader, [ticketId]),
        reader.feedback.feedbackOfTicket(ticketId),
        reader.escrow.reserveOf(ticket.merchantId, ZeroAddress),
      ]);
      return { ticket, timeline, refunds, feedbackId, reserve };
    },
    `${role}:${ticketId}`,
    block?.number,
  );

  const back = role === "merchant" ? `#/merchant/${merchantId ?? 1}` : "#/customer";
  if (loaded.data === undefined) {
    return (
      <>
        <h1 tabIndex={-1}>Ticket #{String(ticketId)}</h1>
        <p>{loaded.loading ? "Loading…" : (loaded.error ?? "There is no such ticket.")}</p>
        <a href={back}>Back</a>
      </>
    );
  }
  const { ticket, timeline, refunds, feedbackId, reserve } = loaded.data;
  return (
    <>
      <p>
        <a href={back}>← {role === "merchant" ? "Queue" : "My tickets"}</a>
      </p>
      <h1 tabIndex={-1}>
        Ticket #{String(ticket.id)}{" "}
        <span className={`status status-${ticket.status}`} data-testid="ticket-status">
          {statusLabel(ticket.status)}
        </span>
      </h1>
      <dl className="facts">
        <dt>Merchant</dt>
        <dd>{ticket.merchantId}</dd>
        <dt>Customer</dt>
        <dd>
          <Address address={ticket.customer} />
        </dd>
        <dt>Priority</dt>
        <dd>{priorityLabel(ticket.priority)}</dd>
        <dt>Assigned to</dt>
        <dd>
          {ticket.assignee === ZeroAddress ? "nobody yet" : <Address address={ticket.assignee} />}
        </dd>
        <dt>First response</dt>
        <dd>
          {ticket.firstResponded && !ticket.firstResponseMissed ? (
            "met"
          ) : ticket.firstResponseMissed ? (
            <span className="deadline missed">missed</span>
          ) : (
            <Deadline dueAt={ticket.firstResponseDueAt} now={now} />
          )}
        </dd>
        <dt>Resolution</dt>
        <dd>
          {ticket.resolutionMissed ? (
            <span className="deadline missed">missed</span>
          ) : ACTIVE.has(ticket.status) && ticket.resolutionDueAt !== 0 ? (
            <Deadline dueAt={ticket.resolutionDueAt} now={now} />
          ) : (
            "—"
          )}
        </dd>
      </dl>
      <div className="columns">
        <section aria-labelledby="timeline">
          <h2 id="timeline">Timeline</h2>
          <ol className="timeline" aria-live="polite">
            {timeline.map((entry) => (
              <li key={`${entry.blockNumber}-${entry.logIndex}`}>
                <TimelineLine entry={entry} vault={vault} />
              </li>
            ))}
          </ol>
        </section>
        <section aria-labelledby="actions">
          <h2 id="actions">{role === "merchant" ? "Team actions" : "Your actions"}</h2>
          {role === "customer" ? (
            <CustomerActions
              ticket={ticket}
              refunds={refunds}
              feedbackId={feedbackId}
              reserve={reserve}
              now={now}
            />
          ) : (
            <MerchantActions ticket={ticket} refunds={refunds} />
          )}
        </section>
      </div>
    </>
  );
}

const KIND_WORDS: Partial<Record<TimelineEntry["kind"], string>> = {
  message: "Message",
  "sla-settled": "Deadline settled",
  "refund-requested": "Refund requested",
  "refund-issued": "Refund issued",
  "refund-approved": "Refund approved",
  "refund-rejected": "Refund rejected",
  "refund-disputed": "Refund disputed",
  "dispute-resolved": "Dispute resolved",
  "dispute-conceded": "Dispute conceded",
  "refund-cancelled": "Refund cancelled",
  "refund-executed": "Refund executed",
  "refund-paid": "Refund paid",
  "rejection-finalized": "Rejection final",
  "sla-compensation-paid": "Compensation paid",
  "sla-compensation-owed": "Compensation owed",
  feedback: "Rated",
  "feedback-amended": "Rating amended",
  "feedback-replied": "Merchant replied to the rating",
};

function TimelineLine({
  entry,
  vault,
}: {
  entry: TimelineEntry;
  vault: NotesVault | undefined;
}): ReactNode {
  let what: ReactNode;
  switch (entry.kind) {
    case "opened":
      what = `Opened (${priorityLabel(entry.priority ?? 1)} priority)`;
      break;
    case "status":
      what = `${statusLabel(entry.from ?? 0)} → ${statusLabel(entry.to ?? 0)}`;
      break;
    case "assigned":
      what =
        entry.agent === ZeroAddress || entry.agent === undefined ? (
          "Unassigned"
        ) : (
          <>
            Assigned to <Address address={entry.agent} />
          </>
        );
      break;
    case "sla-settled":
      what = `${entry.deadline === "first-response" ? "First response" : "Resolution"} deadline ${entry.met === true ? "met" : "missed"}`;
      break;
    case "refund-requested":
    case "refund-paid":
      what = `${KIND_WORDS[entry.kind]} #${String(entry.refundId)}: ${formatEth(entry.amount ?? 0n)}`;
      break;
    case "feedback":
      what = `Rated ${entry.rating} of 5`;
      break;
    case "feedback-amended":
      what = `Rating amended: ${entry.previousRating} → ${entry.rating} of 5`;
      break;
    default:
      what = `${KIND_WORDS[entry.kind] ?? entry.kind}${entry.refundId === undefined ? "" : ` #${String(entry.refundId)}`}`;
  }
  const note = entry.hash === undefined ? undefined : vault?.find(entry.hash);
  return (
    <>
      <span className="when">{formatTime(entry.timestamp)}</span> <strong>{what}</strong>
      {entry.actor === undefined ? null : (
        <>
          {" "}
          by <Address address={entry.actor} />
        </>
      )}
      {note === undefined ? null : <q className="note">{note.text}</q>}{" "}
      <Hash hash={entry.transactionHash} />
    </>
  );
}

function CustomerActions({
  ticket,
  refunds,
  feedbackId,
  reserve,
  now,
}: {
  ticket: TicketRow;
  refunds: RefundRow[];
  feedbackId: bigint;
  reserve: bigint;
  now: number;
}): ReactNode {
  const vault = useVault();
  const { account } = useSession();
  const [messageTx, sendMessage] = useTx();
  const [stepTx, sendStep] = useTx();
  const [refundTx, sendRefund] = useTx();
  const [ratingTx, sendRating] = useTx();
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState("");
  const [refundErrors, setRefundErrors] = useState<Record<string, string | undefined>>({});
  const [stars, setStars] = useState("5");
  const [comment, setComment] = useState("");
  const [ratingError, setRatingError] = useState<string | undefined>(undefined);
  const [claimError, setClaimError] = useState<string | undefined>(undefined);
  if (vault === undefined || account === undefined)
    return <p className="hint">Connect your wallet to act.</p>;
  const id = ticket.id;
  const commit = (text: string, kind: string): string => vault.commit(text, kind, id);
  const status = ticket.status;
  const notMine = account.toLowerCase() !== ticket.customer.toLowerCase();

  return (
    <div className="actions">
      {notMine ? (
        <p className="hint">
          This is not your ticket: the contracts will refuse what you try here.
        </p>
      ) : null}
      {ACTIVE.has(status) || notMine ? (
        <TextAction
          label="Message to the merchant"
          button="Send message"
          validate={(text) => checkText(text)}
          phase={messageTx}
          onSubmit={(text) =>
            sendMessage({
              target: "desk",
              method: "postMessage",
              args: [id, commit(text, "message")],
              gasless: true,
            })
          }
        />
      ) : null}

      <div className="row wrap">
        {status === TicketStatus.Resolved ? (
          <button
            type="button"
            onClick={() =>
              void sendStep({
                target: "desk",
                method: "confirmResolution",
                args: [id],
                gasless: true,
              })
            }
          >
            Confirm it is resolved
          </button>
        ) : null}
        {status === TicketStatus.Open && !ticket.firstResponded ? (
          <button
            type="button"
            className="secondary"
            onClick={() =>
              void sendStep({ target: "desk", method: "cancelTicket", args: [id], gasless: true })
            }
          >
            Cancel ticket
          </button>
        ) : null}
        {ticket.firstResponseMissed || ticket.resolutionMissed || ACTIVE.has(status) ? (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              const due = !ticket.firstResponded
                ? ticket.firstResponseDueAt
                : ticket.resolutionDueAt;
              const problem =
                ticket.firstResponseMissed || ticket.resolutionMissed
                  ? undefined
                  : checkDeadlinePassed(due, now);
              setClaimError(problem);
              if (problem === undefined)
                void sendStep({
                  target: "escrow",
                  method: "claimSlaCompensation",
                  args: [id],
                  gasless: true,
                });
            }}
          >
            Claim missed-deadline compensation
          </button>
        ) : null}
      </div>
      {claimError === undefined ? null : <p className="field-error">{claimError}</p>}
      <TxStatus phase={stepTx} />

      {status === TicketStatus.Resolved || status === TicketStatus.Closed ? (
        <TextAction
          label="Why reopen it?"
          button="Reopen ticket"
          validate={(text) => checkText(text, "a reason")}
          phase={stepTx}
          onSubmit={(text) =>
            sendStep({
              target: "desk",
              method: "reopenTicket",
              args: [id, commit(text, "reopen reason")],
              gasless: true,
            })
          }
        />
      ) : null}
      {status === TicketStatus.Open ||
      status === TicketStatus.InProgress ||
      status === TicketStatus.AwaitingCustomer ? (
        <TextAction
          label="Why escalate it?"
          button="Escalate"
          validate={(text) => checkText(text, "a reason")}
          phase={stepTx}
          onSubmit={(text) =>
            sendStep({
              target: "desk",
              method: "escalateTicket",
              args: [id, commit(text, "escalation reason")],
              gasless: true,
            })
          }
        />
      ) : null}

      <h3>Refunds</h3>
      <RefundList refunds={refunds} role="customer" now={now} />
      {status !== TicketStatus.Cancelled ? (
        <form
          className="action"
          onSubmit={(event) => {
            event.preventDefault();
            const found = {
              amount: checkRefundAmount(amount, reserve),
              reason: checkText(reason, "a reason"),
            };
            setRefundErrors(found);
            if (found.amount !== undefined || found.reason !== undefined) return;
            void sendRefund({
              target: "escrow",
              method: "requestRefund",
              args: [id, ZeroAddress, parseAmount(amount), commit(reason, "refund reason")],
              gasless: true,
            }).then((receipt) => {
              if (receipt !== undefined) {
                setAmount("");
                setReason("");
              }
            });
          }}
        >
          <p className="hint">The merchant's ETH reserve holds {formatEth(reserve)}.</p>
          <Field
            label="Refund amount (ETH)"
            value={amount}
            onChange={setAmount}
            error={refundErrors.amount}
            inputMode="decimal"
          />
          <Field
            label="Reason for the refund"
            value={reason}
            onChange={setReason}
            error={refundErrors.reason}
            multiline
          />
          <button type="submit">Request refund</button>
          <TxStatus phase={refundTx} />
        </form>
      ) : null}

      {status === TicketStatus.Resolved || status === TicketStatus.Closed ? (
        <>
          <h3>{feedbackId === 0n ? "Rate this ticket" : "Amend your rating"}</h3>
          <form
            className="action"
            onSubmit={(event) => {
              event.preventDefault();
              const rating = Number(stars);
              const problem = checkRating(rating);
              setRatingError(problem);
              if (problem !== undefined) return;
              const hash =
                comment.trim() === "" ? "0x" + "0".repeat(64) : commit(comment, "rating comment");
              void sendRating(
                feedbackId === 0n
                  ? {
                      target: "feedback",
                      method: "attest",
                      args: [id, rating, hash],
                      gasless: true,
                    }
                  : {
                      target: "feedback",
                      method: "amend",
                      args: [feedbackId, rating, hash],
                      gasless: true,
                    },
              );
            }}
          >
            <fieldset>
              <legend>Rating</legend>
              <div className="stars">
                {[1, 2, 3, 4, 5].map((value) => (
                  <label key={value}>
                    <input
                      type="radio"
                      name={`stars-${id}`}
                      value={value}
                      checked={stars === String(value)}
                      onChange={() => setStars(String(value))}
                    />
                    {value} {value === 1 ? "star" : "stars"}
                  </label>
                ))}
              </div>
              {ratingError === undefined ? null : <p className="field-error">{ratingError}</p>}
            </fieldset>
            <Field label="Comment (optional)" value={comment} onChange={setComment} multiline />
            <button type="submit">{feedbackId === 0n ? "Rate" : "Amend rating"}</button>
            <TxStatus phase={ratingTx} />
          </form>
        </>
      ) : null}
    </div>
  );
}

function RefundList({
  refunds,
  role,
  now,
}: {
  refunds: RefundRow[];
  role: "customer" | "merchant";
  now: number;
}): ReactNode {
  const vault = useVault();
  const [tx, send] = useTx();
  const [disputeFor, setDisputeFor] = useState<bigint | undefined>(undefined);
  if (refunds.length === 0) return <p className="muted">No refund requested.</p>;
  const commit = (text: string, kind: string, ticketId: bigint): string =>
    vault?.commit(text, kind, ticketId) ?? "0x" + "0".repeat(64);
  return (
    <>
      <ul className="refunds">
        {refunds.map((refund) => (
          <li key={String(refund.id)}>
            <span>
              Refund #{String(refund.id)}: {formatEth(refund.amount)} —{" "}
              <strong>{RefundStatus[refund.status]}</strong>
              {refund.status === RefundStatus.Requested ? (
                <>
                  {" "}
                  (answer due <Deadline dueAt={refund.deadline} now={now} />)
                </>
              ) : null}
            </span>
            <span className="row wrap">
              {role === "customer" && refund.status === RefundStatus.Requested ? (
                <button
                  type="button"
                  className="secondary"
                  onClick={() =>
                    void send({
                      target: "escrow",
                      method: "cancelRefund",
                      args: [refund.id],
                      gasless: true,
                    })
                  }
                >
                  Cancel refund
                </button>
              ) : null}
              {role === "customer" &&
              refund.status === RefundStatus.Requested &&
              now > refund.deadline ? (
                <button
                  type="button"
                  onClick={() =>
                    void send({
                      target: "escrow",
                      method: "executeRefund",
                      args: [refund.id],
                      gasless: true,
                    })
                  }
                >
                  Execute refund (no answer in time)
                </button>
              ) : null}
              {role === "customer" && refund.status === RefundStatus.Rejected ? (
                <button type="button" onClick={() => setDisputeFor(refund.id)}>
                  Dispute
                </button>
              ) : null}
              {role === "merchant" && refund.status === RefundStatus.Requested ? (
                <>
                  <button
                    type="button"
                    onClick={() =>
                      void send({ target: "escrow", method: "approveRefund", args: [refund.id] })
                    }
                  >
                    Approve refund #{String(refund.id)}
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    onClick={() =>
                      void send({
                        target: "escrow",
                        method: "rejectRefund",
                        args: [refund.id, commit("rejected", "refund rejection", refund.ticketId)],
                      })
                    }
                  >
                    Reject
                  </button>
                </>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
      {disputeFor === undefined ? null : (
        <TextAction
          label={`Why dispute refund #${String(disputeFor)}?`}
          button="Dispute refund"
          validate={(text) => checkText(text, "a reason")}
          phase={tx}
          onSubmit={(text) => {
            const refund = refunds.find((r) => r.id === disputeFor);
            return send({
              target: "escrow",
              method: "disputeRefund",
              args: [disputeFor, commit(text, "dispute reason", refund?.ticketId ?? 0n)],
              gasless: true,
            });
          }}
        />
      )}
      <TxStatus phase={tx} />
    </>
  );
}

function MerchantActions({
  ticket,
  refunds,
}: {
  ticket: TicketRow;
  refunds: RefundRow[];
}): ReactNode {
  const vault = useVault();
  const { account } = useSession();
  const now = useNow();
  const [assignTx, sendAssign] = useTx();
  const [replyTx, sendReply] = useTx();
  const [stepTx, sendStep] = useTx();
  const [agent, setAgent] = useState("");
  const [agentError, setAgentError] = useState<string | undefined>(undefined);
  if (vault === undefined || account === undefined)
    return <p className="hint">Connect the team's wallet to act.</p>;
  const id = ticket.id;
  const commit = (text: string, kind: string): string => vault.commit(text, kind, id);
  const active = ACTIVE.has(ticket.status);
  return (
    <div className="actions">
      {active ? (
        <>
          <form
            className="action"
            onSubmit={(event) => {
              event.preventDefault();
              const who = agent.trim() === "" ? account : agent.trim();
              const problem = checkAddress(who);
              setAgentError(problem);
              if (problem === undefined)
                void sendAssign({ target: "desk", method: "assignTicket", args: [id, who] });
            }}
          >
            <Field
              label="Assign to (agent address; empty: yourself)"
              value={agent}
              onChange={setAgent}
              error={agentError}
            />
            <button type="submit">Assign</button>
            <TxStatus phase={assignTx} />
          </form>
          <TextAction
            label="Reply to the customer"
            button="Send reply"
            validate={(text) => checkText(text, "the reply")}
            phase={replyTx}
            onSubmit={(text) =>
              sendReply({
                target: "desk",
                method: "postMessage",
                args: [id, commit(text, "reply")],
              })
            }
          />
          <TextAction
            label="Question for the customer"
            button="Await customer"
            validate={(text) => checkText(text, "the question")}
            phase={stepTx}
            onSubmit={(text) =>
              sendStep({
                target: "desk",
                method: "awaitCustomer",
                args: [id, commit(text, "question")],
              })
            }
          />
          <TextAction
            label="Resolution note"
            button="Resolve ticket"
            validate={(text) => checkText(text, "the resolution")}
            phase={stepTx}
            onSubmit={(text) =>
              sendStep({
                target: "desk",
                method: "resolveTicket",
                args: [id, commit(text, "resolution")],
              })
            }
          />
        </>
      ) : (
        <p className="muted">
          This ticket is {statusLabel(ticket.status).toLowerCase()}: nothing left to work on.
        </p>
      )}
      <h3>Refunds</h3>
      <RefundList refunds={refunds} role="merchant" now={now} />
    </div>
  );
}
