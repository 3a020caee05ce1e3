import { ZeroAddress } from "ethers";

import {
  PRIORITY_NAMES,
  TicketStatus,
  ticketTimeline,
  type TimelineEntry,
} from "../../src/index.js";

import { requireTicket } from "../lib/checks.js";
import { formatRelative, formatTime, parseId, shortAddress } from "../../cli/format.js";
import { renderTimeline, resolveTokens } from "../../cli/render.js";
import { defineTaskAction } from "../lib/task.js";

interface Args {
  addresses: string;
  ticketId: string;
  fromBlock: number;
}

export default defineTaskAction<
  Args,
  { ticketId: bigint; status: TicketStatus; timeline: TimelineEntry[] }
>("ticket:show", async (args, run) => {
  const ticketId = parseId(args.ticketId, "ticket");
  const { client, networkName, provider } = await run.open(args, { sign: false });
  await requireTicket(client, ticketId, networkName);

  const ticket = await client.desk.getTicket(ticketId);
  const merchantId = ticket.merchantId;
  const admin = await client.desk.merchantAdmin(merchantId);
  const arbiter = (await client.desk.policyOf(merchantId)).arbiter;
  const now = (await provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000);
  const timeline = await ticketTimeline(
    client,
    ticketId,
    args.fromBlock > 0 ? { fromBlock: args.fromBlock } : undefined,
  );
  const tokens = await resolveTokens(
    provider,
    timeline.filter((entry) => entry.amount !== undefined).map((entry) => entry.token),
  );

  const names = new Map<string, string>([
    [ticket.customer.toLowerCase(), "customer"],
    [admin.toLowerCase(), "admin"],
    ...(arbiter === ZeroAddress
      ? []
      : ([[arbiter.toLowerCase(), "arbiter"]] as Array<[string, string]>)),
  ]);
  const people = new Set(
    timeline
      .flatMap((entry) => [entry.actor, entry.agent, entry.recipient])
      .filter((a) => a !== undefined),
  );
  for (const person of people) {
    if (names.has(person.toLowerCase()) || person === ZeroAddress) continue;
    if (await client.desk.isAgent(merchantId, person)) names.set(person.toLowerCase(), "agent");
  }
  const name = (address: string): string => {
    const role = names.get(address.toLowerCase());
    return role === undefined ? shortAddress(address) : `${role} ${shortAddress(address)}`;
  };

  const status = Number(ticket.status) as TicketStatus;
  const deadline = (dueAt: bigint, missed: boolean, done: string, compensated: boolean): string => {
    if (missed) return `missed${compensated ? ", compensated" : ""}`;
    if (dueAt === 0n) return done;
    return `due ${formatTime(dueAt)} (${formatRelative(dueAt, now)})`;
  };
  const [, , paused] = await client.desk.resolutionDeadline(ticketId);
  const { style } = run.out;
  const rows: Array<[string, string]> = [
    ["customer", ticket.customer],
    ["priority", PRIORITY_NAMES[Number(ticket.priority)] ?? String(ticket.priority)],
    ["assigned to", ticket.assignee === ZeroAddress ? "nobody" : ticket.assignee],
    [
      "first reply",
      deadline(
        ticket.firstResponseDueAt,
        ticket.firstResponseMissed,
        ticket.firstResponded ? "made in time" : "not due (ticket inactive)",
        ticket.firstResponseCompensated,
      ),
    ],
    [
      "resolution",
      deadline(
        ticket.resolutionDueAt,
        ticket.resolutionMissed,
        ticket.resolvedAt === 0n ? "not due" : `made ${formatTime(ticket.resolvedAt)}`,
        ticket.resolutionCompensated,
      ) + (paused ? " (clock stopped: awaiting the customer)" : ""),
    ],
  ];
  run.done(`ticket #${ticketId} at merchant #${merchantId}: ${TicketStatus[status]}`, rows);
  run.out.line();
  run.out.line(
    style.bold(`timeline (${timeline.length} events, rebuilt from the contracts' logs)`),
  );
  for (const line of renderTimeline(timeline, {
    style,
    name,
    time: (timestamp) => formatTime(timestamp),
    tokens,
  })) {
    run.out.line(line);
  }
  if (timeline.length === 0)
    run.out.line(style.dim("(no events found: try a smaller --from-block)"));
  return { ticketId, status, timeline };
});
