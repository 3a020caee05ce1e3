import { parseId } from "../../cli/format.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs {
  feedbackId: string;
  reply: string;
  commitments: string;
}

export default defineTaskAction<Args, { feedbackId: bigint; txHash: string }>(
  "feedback:reply",
  async (args, run) => {
    const feedbackId = parseId(args.feedbackId, "feedback");
    run.action = "reply to feedback";
    const { client } = await run.open(args);
    const feedback = await client.feedback.getFeedback(feedbackId);
    const reply = await run.commit(
      args.commitments,
      args.reply,
      "feedback reply",
      `feedback ${feedbackId} (ticket ${feedback.ticketId})`,
    );

    const sent = await run.send(
      "replying to the feedback",
      () => client.feedback.reply(feedbackId, reply.hash),
      { commitments: [reply] },
    );
    run.done(`replied to feedback #${feedbackId} on ticket #${feedback.ticketId}`, [
      ...run.txDetails(sent),
      ...run.commitmentDetails([["reply", reply]]),
    ]);
    return { feedbackId, txHash: sent.hash };
  },
);
