/** The customer's view: open a ticket, my tickets with their deadlines, and my notes (export, import). */
import type { SignedOrderReceipt } from "careledger";
import { ZeroAddress } from "ethers";
import { useState, type ReactNode } from "react";

import { Deadline, Field, TxStatus, useTx } from "../components.tsx";
import { customerTickets, nextDeadline } from "../lib/data.ts";
import { formatEth, formatTime, priorityLabel, statusLabel } from "../lib/format.ts";
import { useBlock, useChainRead, useNow } from "../lib/hooks.ts";
import { readReceipt } from "../lib/receipt.ts";
import { useSession } from "../lib/session.tsx";
import { checkMerchantId, checkText } from "../lib/validate.ts";
import { useVault } from "../lib/vault.ts";

export function CustomerView(): ReactNode {
  const { account } = useSession();
  return (
    <>
      <h1 tabIndex={-1}>My tickets</h1>
      {account === undefined ? (
        <p className="hint">Connect your wallet to open a ticket and follow your tickets.</p>
      ) : (
        <>
          <Balance account={account} />
          <TicketList account={account} />
          <OpenTicket />
          <Notes />
        </>
      )}
    </>
  );
}

/** The account's ETH: refunds arrive here. */
function Balance({ account }: { account: string }): ReactNode {
  const { readProvider, config } = useSession();
  const block = useBlock();
  const balance = useChainRead(() => readProvider.getBalance(account), account, block?.number);
  return (
    <p>
      Your balance:{" "}
      <strong data-testid="balance">
        {balance.data === undefined ? "…" : formatEth(balance.data)}
      </strong>
      {config.relayerUrl === undefined ? null : (
        <span className="muted"> (your actions here cost you no gas)</span>
      )}
    </p>
  );
}

function TicketList({ account }: { account: string }): ReactNode {
  const { reader } = useSession();
  const block = useBlock();
  const now = useNow();
  const tickets = useChainRead(() => customerTickets(reader, account), account, block?.number);
  return (
    <section aria-labelledby="my-tickets">
      <h2 id="my-tickets">Your tickets</h2>
      {tickets.error === undefined ? null : <p role="alert">{tickets.error}</p>}
      {tickets.data === undefined ? (
        <p>Loading…</p>
      ) : tickets.data.length === 0 ? (
        <p>You have no tickets yet.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Your tickets, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Ticket</th>
                <th scope="col">Merchant</th>
                <th scope="col">Status</th>
                <th scope="col">Next deadline</th>
                <th scope="col">Opened</th>
              </tr>
            </thead>
            <tbody>
              {tickets.data.map((ticket) => (
                <tr key={String(ticket.id)}>
                  <td>
                    <a href={`#/ticket/${ticket.id}`}>Ticket #{String(ticket.id)}</a>{" "}
                    <span className="muted">({priorityLabel(ticket.priority)})</span>
                  </td>
                  <td>{ticket.merchantId}</td>
                  <td>
                    <span className={`status status-${ticket.status}`}>
                      {statusLabel(ticket.status)}
                    </span>
                  </td>
                  <td>
                    {nextDeadline(ticket) === 0 ? (
                      <span className="muted">none running</span>
                    ) : (
                      <Deadline dueAt={nextDeadline(ticket)} now={now} />
                    )}
                  </td>
                  <td>{formatTime(ticket.openedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function OpenTicket(): ReactNode {
  const { reader } = useSession();
  const vault = useVault();
  const [phase, send] = useTx();
  const [merchant, setMerchant] = useState("1");
  const [order, setOrder] = useState("");
  const [text, setText] = useState("");
  const [priority, setPriority] = useState("1");
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [orderReceipt, setOrderReceipt] = useState<SignedOrderReceipt | undefined>(undefined);
  const busy = phase.phase === "signing" || phase.phase === "pending";

  const submit = async (): Promise<void> => {
    const found = {
      merchant: orderReceipt === undefined ? checkMerchantId(merchant) : undefined,
      order: orderReceipt === undefined ? checkText(order, "the order reference") : undefined,
      text: checkText(text, "what happened"),
    };
    setErrors(found);
    if (Object.values(found).some((error) => error !== undefined) || vault === undefined) return;
    // Only salted hashes go on chain; the texts and salts stay in this browser (export them below).
    const content = vault.commit(text, "ticket");
    // With a receipt the ticket is verified: the receipt carries the merchant and the order reference.
    const orderRef =
      orderReceipt === undefined ? vault.commit(order, "order reference") : undefined;
    const receipt = await send(
      orderReceipt === undefined
        ? {
            target: "desk",
            method: "openTicket",
            args: [Number(merchant), orderRef, content, Number(priority)],
            gasless: true,
          }
        : {
            target: "desk",
            method: "openTicketWithReceipt",
            args: [orderReceipt.receipt, orderReceipt.signature, content, Number(priority)],
            gasless: true,
          },
    );
    if (receipt === undefined) return;
    for (const log of receipt.logs) {
      const parsed = reader.desk.interface.parseLog(log);
      if (parsed?.name === "TicketOpened") {
        const ticketId = parsed.args.getValue("ticketId") as bigint;
        if (orderRef !== undefined) vault.attach(orderRef, ticketId);
        vault.attach(content, ticketId);
        setOrderReceipt(undefined);
        setOrder("");
        setText("");
        window.location.hash = `#/ticket/${ticketId}`;
      }
    }
  };

  return (
    <section aria-labelledby="open-ticket">
      <h2 id="open-ticket">Open a ticket</h2>
      <form
        className="card"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Field
          label="Merchant number"
          value={merchant}
          onChange={setMerchant}
          error={errors.merchant}
          inputMode="numeric"
        />
        <Field
          label="Order reference"
          value={order}
          onChange={setOrder}
          error={errors.order}
          placeholder="for example ORDER-1042"
        />
        <Field
          label="What happened"
          value={text}
          onChange={setText}
          error={errors.text}
          multiline
        />
        <div className="field">
          <label htmlFor="priority">Priority</label>
          <select
            id="priority"
            value={priority}
            onChange={(event) => setPriority(event.target.value)}
          >
            <option value="0">Low</option>
            <option value="1">Normal</option>
            <option value="2">High</option>
            <option value="3">Urgent</option>
          </select>
        </div>
        <p className="hint">
          Only salted hashes of your texts go on chain. The texts stay in this browser: export them
          to prove later what you wrote.
        </p>
        <button type="submit" disabled={busy}>
          Open ticket
        </button>
        <TxStatus phase={phase} />
      </form>
    </section>
  );
}

/**
 * An order receipt from the merchant's shop (a JSON file): checked at once (this account, this desk, the
 * support period, the signature), then the ticket opens verified with it.
 */
function ReceiptInput({
  receipt,
  onReceipt,
}: {
  receipt: SignedOrderReceipt | undefined;
  onReceipt: (receipt: SignedOrderReceipt | undefined) => void;
}): ReactNode {
  const { account, config, readProvider, reader } = useSession();
  const [message, setMessage] = useState<string | undefined>(undefined);
  if (receipt !== undefined) {
    return (
      <div className="field">
        <p role="status">
          Order receipt of merchant {String(receipt.receipt.merchantId)}: paid{" "}
          {receipt.receipt.token === ZeroAddress
            ? formatEth(receipt.receipt.amount)
            : `${receipt.receipt.amount} units`}
          , support until {formatTime(Number(receipt.receipt.supportUntil))}. The ticket opens as a
          verified purchase.
        </p>
        <button type="button" className="secondary" onClick={() => onReceipt(undefined)}>
          Open without the receipt
        </button>
      </div>
    );
  }
  return (
    <div className="field">
      <label htmlFor="receipt-file">Order receipt from the shop (optional)</label>
      <input
        id="receipt-file"
        type="file"
        accept="application/json,.json"
        aria-describedby={message === undefined ? undefined : "receipt-error"}
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file === undefined || account === undefined) return;
          void file
            .text()
            .then((json) =>
              readReceipt(json, {
                account,
                desk: config.addresses.supportDesk,
                chainId: config.chainId,
                now: Math.floor(Date.now() / 1000),
                provider: readProvider,
                isOrderSigner: (merchantId, signer) =>
                  reader.desk.isOrderSigner(merchantId, signer),
              }),
            )
            .then(
              (signed) => {
                setMessage(undefined);
                onReceipt(signed);
              },
              (error: unknown) =>
                setMessage(error instanceof Error ? error.message : String(error)),
            );
        }}
      />
      {message === undefined ? null : (
        <p className="field-error" id="receipt-error">
          {message}
        </p>
      )}
    </div>
  );
}

function Notes(): ReactNode {
  const vault = useVault();
  const [message, setMessage] = useState<string | undefined>(undefined);
  if (vault === undefined) return null;
  const count = vault.list().length;
  return (
    <section aria-labelledby="notes">
      <h2 id="notes">Your texts and salts</h2>
      <p>
        This browser keeps {count} {count === 1 ? "text" : "texts"} you committed to. Export them as
        a file to keep a copy or to use another browser.
      </p>
      <div className="row">
        <button
          type="button"
          className="secondary"
          onClick={() => {
            const blob = new Blob([JSON.stringify(vault.export(), null, 2)], {
              type: "application/json",
            });
            const link = document.createElement("a");
            link.href = URL.createObjectURL(blob);
            link.download = `careledger-notes-${vault.account.slice(0, 8)}.json`;
            link.click();
            URL.revokeObjectURL(link.href);
          }}
        >
          Export texts
        </button>
        <label className="file">
          Import texts
          <input
            type="file"
            accept="application/json,.json"
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file === undefined) return;
              void file.text().then((json) => {
                try {
                  const { added, refused } = vault.import(json);
                  setMessage(
                    `Imported ${added} ${added === 1 ? "text" : "texts"}` +
                      (refused > 0
                        ? `; ${refused} did not match their hash and were left out.`
                        : "."),
                  );
                } catch (error) {
                  setMessage(error instanceof Error ? error.message : String(error));
                }
              });
            }}
          />
        </label>
      </div>
      {message === undefined ? null : <p role="status">{message}</p>}
    </section>
  );
}
