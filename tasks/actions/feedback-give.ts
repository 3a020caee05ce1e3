import { TaskError } from "../../cli/errors.js";
import { eventIn } from "../../cli/events.js";
import { parseId } from "../../cli/format.js";
import { CustomerSender, type RelayerArgs } from "../lib/relaying.js";
import type { CommonArgs } from "../lib/session.js";
import { defineTaskAction } from "../lib/task.js";

interface Args extends CommonArgs, RelayerArgs {
  ticketId: string;
  rating: number;
  comment: string;
  amend: boolean;
  commitments: string;
}

export default defineTaskAction<Args, { feedbackId: bigint; txHash: string; amended: boolean }>(
  "feedback:give",
  async (args, run) => {
    const ticketId = parseId(args.ticketId, "ticket");
    run.action = args.amend ? "amend the feedback of" : "rate";
    const session = await run.open(args);
    const { client } = session;
    const sender = await CustomerSender.of(session, args.relayer);
    const rating = args.rating;
    if (!Number.isInteger(rating) || rating < 0 || rating > 255) {
      throw new TaskError(`a rating is 1 to 5 stars; ${rating} is not`);
    }

    let previous = 0n;
    if (args.amend) {
      previous = await client.feedback.feedbackOfTicket(ticketId);
      if (previous === 0n) {
        throw new TaskError(
          `ticket #${ticketId} has no feedback to amend yet: give it without --amend (\`feedback:give ${ticketId} ${rating}\`)`,
        );
      }
    }
    const comment = await run.commit(
      args.commitments,
      args.comment,
      args.amend ? "amended feedback comment" : "feedback comment",
      `ticket ${ticketId}`,
    );

    const sent = args.amend
      ? await run.send(
          sender.describe("amending the feedback"),
          sender.submit(client.feedback.amend, previous, rating, comment.hash),
          { commitments: [comment] },
        )
      : await run.send(
          sender.describe("giving feedback"),
          sender.submit(client.feedback.attest, ticketId, rating, comment.hash),
          { commitments: [comment] },
        );
    const feedbackId = BigInt(
      eventIn(sent.receipt, client.feedback, "FeedbackAttested").args.feedbackId,
    );
    const stars = `${"★".repeat(rating)}${"☆".repeat(Math.max(0, 5 - rating))}`;
    run.done(
      args.amend
        ? `feedback #${previous} of ticket #${ticketId} amended by #${feedbackId}: ${stars}`
        : `feedback #${feedbackId} given on ticket #${ticketId}: ${stars}`,
      [
        ...(args.amend
          ? ([["kept", `#${previous} stays readable, superseded by #${feedbackId}`]] as Array<
              [string, string]
            >)
          : []),
        ...sender.details(),
        ...run.txDetails(sent),
        ...run.commitmentDetails([["comment", comment]]),
      ],
    );
    return { feedbackId, txHash: sent.hash, amended: args.amend };
  },
);
