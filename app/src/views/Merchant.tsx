/**
 * The merchant's console: the queue (nearest deadline first, breaches highlighted), open refunds,
 * reserves (deposit, withdraw, with the ERC-20 approval step), agents, policy, compensation, and the
 * report with its charts.
 */
import {
  merchantQueue,
  merchantRefunds,
  merchantReport,
  type MerchantRefund,
  type TicketSummary,
} from "careledger";
import { Contract, ZeroAddress, isAddress, parseUnits } from "ethers";
import { useState, type ReactNode } from "react";

import { Address, Deadline, Field, TxStatus, useTx } from "../components.tsx";
import { isBreached, openRefundState } from "../lib/data.ts";
import { formatEth, priorityLabel, statusLabel } from "../lib/format.ts";
import { useBlock, useChainRead, useNow } from "../lib/hooks.ts";
import { useSession } from "../lib/session.tsx";
import { checkAddress, checkAmount, parseAmount } from "../lib/validate.ts";
import { ChartView } from "./charts.tsx";
import { Reputation } from "./Public.tsx";

const ERC20_ABI = [
  "function approve(address spender, uint256 amount) returns (bool)",
  "function allowance(address owner, address spender) view returns (uint256)",
  "function decimals() view returns (uint8)",
  "function symbol() view returns (string)",
] as const;

/**
 * The most tickets and open refunds the console lists: the most the indexer serves in one answer (a
 * larger limit would always be answered from logs).
 */
const LIST_LIMIT = 1_000;

export function MerchantConsole({ merchantId }: { merchantId: number }): ReactNode {
  const { reader, account } = useSession();
  const block = useBlock();
  const data = useChainRead(
    async () => {
      // The queue and the open refunds come from the indexer when one is configured and up to date
      // (session.tsx), else from logs: the package decides, the console shows the same either way.
      const [admin, tickets, refunds, policy, compensation, reserve, locked, isAgent] =
        await Promise.all([
          reader.desk.merchantAdmin(merchantId),
          merchantQueue(reader, merchantId, { limit: LIST_LIMIT }),
          merchantRefunds(reader, merchantId, { open: true, limit: LIST_LIMIT }),
          reader.desk.policyOf(merchantId),
          reader.desk.slaCompensationOf(merchantId),
          reader.escrow.reserveOf(merchantId, ZeroAddress),
          reader.escrow.lockedOf(merchantId, ZeroAddress),
          account === undefined ? Promise.resolve(false) : reader.desk.isAgent(merchantId, account),
        ]);
      return { admin, tickets, policy, compensation, reserve, locked, isAgent, refunds };
    },
    `${merchantId}:${account ?? ""}`,
    block?.number,
  );
  if (data.data === undefined) {
    return (
      <>
        <h1 tabIndex={-1}>Merchant {merchantId}: console</h1>
        <p role={data.error === undefined ? undefined : "alert"}>{data.error ?? "Loading…"}</p>
      </>
    );
  }
  const { admin, tickets, reserve, locked, isAgent, refunds } = data.data;
  if (admin === ZeroAddress) {
    return (
      <>
        <h1 tabIndex={-1}>Merchant {merchantId}: console</h1>
        <p>There is no merchant number {merchantId}.</p>
      </>
    );
  }
  const isAdmin = account !== undefined && account.toLowerCase() === admin.toLowerCase();
  return (
    <>
      <h1 tabIndex={-1}>Merchant {merchantId}: console</h1>
      <p className="muted">
        Admin <Address address={admin} />.{" "}
        {account === undefined
          ? "Connect the team's wallet to act."
          : isAdmin
            ? "You are the admin."
            : isAgent
              ? "You are an agent."
              : "You are not on this merchant's team: the contracts will refuse your actions."}
      </p>
      <Queue merchantId={merchantId} tickets={tickets} />
      <OpenRefunds merchantId={merchantId} refunds={refunds} />
      <Reserves merchantId={merchantId} reserve={reserve} locked={locked} />
      <Team merchantId={merchantId} />
      <PolicyForm merchantId={merchantId} policy={data.data.policy} />
      <CompensationForm merchantId={merchantId} compensation={data.data.compensation} />
      <Report merchantId={merchantId} block={block?.number} />
    </>
  );
}

/** The refunds that still hold part of the reserve: awaiting an answer, a dispute, or the arbiter. */
function OpenRefunds({
  merchantId,
  refunds,
}: {
  merchantId: number;
  refunds: readonly MerchantRefund[];
}): ReactNode {
  const now = useNow();
  return (
    <section aria-labelledby="refund-requests">
      <h2 id="refund-requests">Open refunds</h2>
      {refunds.length === 0 ? (
        <p className="muted">No refund waits for an answer.</p>
      ) : (
        <ul className="refunds">
          {refunds.map((refund) => (
            <li key={String(refund.id)}>
              <a href={`#/merchant/${merchantId}/ticket/${refund.ticketId}`}>
                Refund #{String(refund.id)} on ticket #{String(refund.ticketId)}
              </a>
              :{" "}
              {refund.token === ZeroAddress ? (
                formatEth(refund.amount)
              ) : (
                <>
                  {String(refund.amount)} units of <Address address={refund.token} />
                </>
              )}
              , {openRefundState(refund, now)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Queue({
  merchantId,
  tickets: queue,
}: {
  merchantId: number;
  /** The package's `merchantQueue`: already in queue order, nearest deadline first. */
  tickets: readonly TicketSummary[];
}): ReactNode {
  const now = useNow();
  return (
    <section aria-labelledby="queue">
      <h2 id="queue">Queue ({queue.length})</h2>
      {queue.length === 0 ? (
        <p className="muted">Nothing waits: every ticket is resolved, closed or cancelled.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">
              Open tickets, nearest deadline first; missed deadlines are marked
            </caption>
            <thead>
              <tr>
                <th scope="col">Ticket</th>
                <th scope="col">Status</th>
                <th scope="col">Priority</th>
                <th scope="col">Assigned</th>
                <th scope="col">Next deadline</th>
              </tr>
            </thead>
            <tbody>
              {queue.map((ticket) => {
                const breached = isBreached(ticket, now);
                return (
                  <tr key={String(ticket.id)} className={breached ? "breach" : undefined}>
                    <td>
                      <a href={`#/merchant/${merchantId}/ticket/${ticket.id}`}>
                        Ticket #{String(ticket.id)}
                      </a>
                      {breached ? <span className="badge">deadline missed</span> : null}
                    </td>
                    <td>{statusLabel(ticket.status)}</td>
                    <td>{priorityLabel(ticket.priority)}</td>
                    <td>
                      {ticket.assignee === null ? "—" : <Address address={ticket.assignee} />}
                    </td>
                    <td>
                      {ticket.nextDeadline === null ? (
                        "—"
                      ) : (
                        <Deadline dueAt={ticket.nextDeadline} now={now} />
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Reserves({
  merchantId,
  reserve,
  locked,
}: {
  merchantId: number;
  reserve: bigint;
  locked: bigint;
}): ReactNode {
  const { reader, readProvider, account } = useSession();
  const [tx, send] = useTx();
  const [token, setToken] = useState("");
  const [amount, setAmount] = useState("");
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [approved, setApproved] = useState<string | undefined>(undefined);
  const escrow = reader.addresses.refundEscrow;

  /** The amount in the token's units (ETH: 18 decimals). */
  const units = async (): Promise<bigint | undefined> => {
    if (token.trim() === "") return parseAmount(amount);
    const decimals = Number(
      await new Contract(token, ERC20_ABI, readProvider).getFunction("decimals")(),
    );
    try {
      const value = parseUnits(amount.trim(), decimals);
      return value > 0n ? value : undefined;
    } catch {
      return undefined;
    }
  };

  const check = (max?: bigint): boolean => {
    const found = {
      token:
        token.trim() === "" || isAddress(token.trim())
          ? undefined
          : "Leave empty for ETH, or enter the token's address.",
      amount:
        token.trim() === ""
          ? checkAmount(amount, max)
          : /^\d+(\.\d+)?$/.test(amount.trim())
            ? undefined
            : "Enter an amount greater than 0.",
    };
    setErrors(found);
    return found.token === undefined && found.amount === undefined;
  };

  const deposit = async (): Promise<void> => {
    if (!check()) return;
    const value = await units();
    if (value === undefined || account === undefined) return;
    if (token.trim() === "") {
      await send({
        target: "escrow",
        method: "deposit",
        args: [merchantId, ZeroAddress, value],
        value,
      });
      return;
    }
    // ERC-20: the escrow pulls the tokens, so it needs an allowance first.
    const allowance = (await new Contract(token, ERC20_ABI, readProvider).getFunction("allowance")(
      account,
      escrow,
    )) as bigint;
    if (allowance < value) {
      const receipt = await send({
        target: { address: token, abi: ERC20_ABI },
        method: "approve",
        args: [escrow, value],
      });
      if (receipt === undefined) return;
      setApproved(token);
    }
    await send({ target: "escrow", method: "deposit", args: [merchantId, token, value] });
  };

  const withdraw = async (): Promise<void> => {
    if (!check(token.trim() === "" ? reserve : undefined)) return;
    const value = await units();
    if (value === undefined || account === undefined) return;
    await send({
      target: "escrow",
      method: "withdrawReserve",
      args: [merchantId, token.trim() === "" ? ZeroAddress : token, value, account],
    });
  };

  return (
    <section aria-labelledby="reserves">
      <h2 id="reserves">Reserves</h2>
      <p>
        ETH: <strong data-testid="eth-reserve">{formatEth(reserve)}</strong> available,{" "}
        {formatEth(locked)} locked by open refunds.
      </p>
      <form className="card" onSubmit={(event) => event.preventDefault()}>
        <Field
          label="Token (empty for ETH)"
          value={token}
          onChange={setToken}
          error={errors.token}
          placeholder="0x… ERC-20 address"
        />
        <Field
          label="Amount"
          value={amount}
          onChange={setAmount}
          error={errors.amount}
          inputMode="decimal"
        />
        {approved !== undefined ? <p className="hint">Approval given; depositing.</p> : null}
        <div className="row">
          <button type="button" onClick={() => void deposit()}>
            Deposit
          </button>
          <button type="button" className="secondary" onClick={() => void withdraw()}>
            Withdraw
          </button>
        </div>
        <TxStatus phase={tx} />
      </form>
    </section>
  );
}

function Team({ merchantId }: { merchantId: number }): ReactNode {
  const [tx, send] = useTx();
  const [agent, setAgent] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const set = (enabled: boolean): void => {
    const problem = checkAddress(agent);
    setError(problem);
    if (problem === undefined)
      void send({ target: "desk", method: "setAgent", args: [merchantId, agent.trim(), enabled] });
  };
  return (
    <section aria-labelledby="team">
      <h2 id="team">Agents</h2>
      <form className="card" onSubmit={(event) => event.preventDefault()}>
        <Field label="Agent address" value={agent} onChange={setAgent} error={error} />
        <div className="row">
          <button type="button" onClick={() => set(true)}>
            Add agent
          </button>
          <button type="button" className="secondary" onClick={() => set(false)}>
            Remove agent
          </button>
        </div>
        <TxStatus phase={tx} />
      </form>
    </section>
  );
}

const POLICY_FIELDS = [
  ["firstResponseTime", "First response (hours)"],
  ["resolutionTime", "Resolution (hours)"],
  ["reopenWindow", "Reopen window (hours)"],
  ["autoCloseDelay", "Auto-close delay (hours)"],
  ["refundResponseTime", "Refund answer time (hours)"],
  ["disputeWindow", "Dispute window (hours)"],
] as const;

type PolicyKey = (typeof POLICY_FIELDS)[number][0];

function PolicyForm({
  merchantId,
  policy,
}: {
  merchantId: number;
  policy: Record<PolicyKey, bigint> & { arbiter: string };
}): ReactNode {
  const [tx, send] = useTx();
  const [values, setValues] = useState<Record<PolicyKey, string>>(
    () =>
      Object.fromEntries(
        POLICY_FIELDS.map(([key]) => [key, String(Number(policy[key]) / 3600)]),
      ) as Record<PolicyKey, string>,
  );
  const [arbiter, setArbiter] = useState(policy.arbiter);
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  return (
    <section aria-labelledby="policy">
      <h2 id="policy">Policy</h2>
      <form
        className="card"
        onSubmit={(event) => {
          event.preventDefault();
          const found: Record<string, string | undefined> = {};
          for (const [key] of POLICY_FIELDS) {
            const hours = Number(values[key]);
            found[key] =
              Number.isFinite(hours) && hours > 0 && hours <= 365 * 24
                ? undefined
                : "Enter hours, more than 0 and at most a year.";
          }
          found.arbiter = arbiter === ZeroAddress ? undefined : checkAddress(arbiter);
          setErrors(found);
          if (Object.values(found).some((error) => error !== undefined)) return;
          const seconds = (key: PolicyKey): number => Math.round(Number(values[key]) * 3600);
          void send({
            target: "desk",
            method: "setPolicy",
            args: [
              merchantId,
              {
                ...Object.fromEntries(POLICY_FIELDS.map(([key]) => [key, seconds(key)])),
                arbiter: arbiter.trim(),
              },
            ],
          });
        }}
      >
        <div className="grid small">
          {POLICY_FIELDS.map(([key, label]) => (
            <Field
              key={key}
              label={label}
              value={values[key]}
              onChange={(value) => setValues({ ...values, [key]: value })}
              error={errors[key]}
              inputMode="decimal"
            />
          ))}
        </div>
        <Field
          label="Arbiter of disputes"
          value={arbiter}
          onChange={setArbiter}
          error={errors.arbiter}
        />
        <button type="submit">Save policy</button>
        <TxStatus phase={tx} />
      </form>
    </section>
  );
}

function CompensationForm({
  merchantId,
  compensation,
}: {
  merchantId: number;
  compensation: {
    token: string;
    firstResponseAmount: bigint;
    resolutionAmount: bigint;
    autoPay: boolean;
  };
}): ReactNode {
  const [tx, send] = useTx();
  const [first, setFirst] = useState(
    formatEth(compensation.firstResponseAmount).replace(" ETH", ""),
  );
  const [resolution, setResolution] = useState(
    formatEth(compensation.resolutionAmount).replace(" ETH", ""),
  );
  const [autoPay, setAutoPay] = useState(compensation.autoPay);
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const amountOf = (text: string): bigint | undefined =>
    text.trim() === "0" ? 0n : parseAmount(text);
  return (
    <section aria-labelledby="compensation">
      <h2 id="compensation">Missed-deadline compensation (ETH)</h2>
      <form
        className="card"
        onSubmit={(event) => {
          event.preventDefault();
          const found = {
            first:
              amountOf(first) === undefined ? "Enter an amount in ETH (0 for none)." : undefined,
            resolution:
              amountOf(resolution) === undefined
                ? "Enter an amount in ETH (0 for none)."
                : undefined,
          };
          setErrors(found);
          if (found.first !== undefined || found.resolution !== undefined) return;
          void send({
            target: "desk",
            method: "setSlaCompensation",
            args: [
              merchantId,
              {
                token: ZeroAddress,
                firstResponseAmount: amountOf(first),
                resolutionAmount: amountOf(resolution),
                autoPay,
              },
            ],
          });
        }}
      >
        <Field
          label="For a missed first response"
          value={first}
          onChange={setFirst}
          error={errors.first}
          inputMode="decimal"
        />
        <Field
          label="For a missed resolution"
          value={resolution}
          onChange={setResolution}
          error={errors.resolution}
          inputMode="decimal"
        />
        <label className="check">
          <input
            type="checkbox"
            checked={autoPay}
            onChange={(event) => setAutoPay(event.target.checked)}
          />{" "}
          Pay automatically when a deadline is missed
        </label>
        <button type="submit">Save compensation</button>
        <TxStatus phase={tx} />
      </form>
    </section>
  );
}

function Report({
  merchantId,
  block,
}: {
  merchantId: number;
  block: number | undefined;
}): ReactNode {
  const { reader } = useSession();
  const data = useChainRead(
    async () => {
      const [report, reserve, settled] = await Promise.all([
        merchantReport(reader, merchantId),
        reader.escrow.reserveOf(merchantId, ZeroAddress),
        reader.desk.queryFilter(
          reader.desk.filters.SlaDeadlineSettled(undefined, merchantId),
          reader.addresses.deploymentBlock ?? 0,
        ),
      ]);
      // The hit rate after each settled deadline: how the record evolved.
      let met = 0;
      const series = settled.map((log, index) => {
        if (log.args.met) met += 1;
        return Math.round((met / (index + 1)) * 1000) / 10;
      });
      return { report, reserve, series };
    },
    String(merchantId),
    block,
  );
  if (data.data === undefined) return null;
  const { report, reserve, series } = data.data;
  return (
    <section aria-labelledby="report">
      <h2 id="report">Report</h2>
      <Reputation report={report} reserve={reserve} />
      <div className="card">
        <h3>Hit rate over time</h3>
        {series.length === 0 ? (
          <p className="muted">No deadline settled yet.</p>
        ) : (
          <ChartView
            type="line"
            labels={series.map((_, index) => String(index + 1))}
            values={series}
            label="Hit rate (%)"
            max={100}
            summary={`Hit rate after each of ${series.length} settled deadlines, now ${series[series.length - 1]}%`}
          />
        )}
        <p className="muted">
          Tickets:{" "}
          {Object.entries(report.ticketsByStatus)
            .filter(([name, count]) => name !== "None" && count > 0)
            .map(([name, count]) => `${count} ${name}`)
            .join(", ") || "none"}
          . Refunds: {report.refunds.requested} requested, {report.refunds.paid} paid,{" "}
          {report.refunds.rejected} rejected, {report.refunds.disputed} disputed.
        </p>
      </div>
    </section>
  );
}
