import { reasonedTicketAction } from "../lib/reasoned.js";

export default reasonedTicketAction({
  id: "ticket:escalate",
  action: "escalate",
  reasonKind: "escalation reason",
  progress: "escalating the ticket",
  method: (client) => client.desk.escalateTicket,
  outcome: async (_client, ticketId) => [
    `ticket #${ticketId} is Escalated: a deadline was missed`,
    [
      [
        "next",
        `the merchant's staff resolve it; any compensation for the missed deadline: \`sla:claim ${ticketId}\``,
      ],
    ],
  ],
});
