import { formatTime } from "../../cli/format.js";
import { reasonedTicketAction } from "../lib/reasoned.js";

export default reasonedTicketAction({
  id: "ticket:reopen",
  action: "reopen",
  reasonKind: "reopen reason",
  progress: "reopening the ticket",
  method: (client) => client.desk.reopenTicket,
  outcome: async (client, ticketId) => {
    const [firstResponseDueAt] = await client.desk.firstResponseDeadline(ticketId);
    return [
      `ticket #${ticketId} reopened: it is Open again, with new deadlines`,
      [["first reply due", formatTime(firstResponseDueAt)]],
    ];
  },
});
