/**
 * FeedbackAttestations: ratings, replies and amendments, and each merchant's current aggregates
 * (`merchantStats`): an amendment moves one rating from its old star to its new one.
 */
import { ponder } from "ponder:registry";
import { feedback, merchant } from "ponder:schema";

import { addTimeline, lower, notify } from "./record.ts";

type MerchantRow = typeof merchant.$inferSelect;
const STAR_COLUMNS = ["rating1", "rating2", "rating3", "rating4", "rating5"] as const;

function star(rating: number): (typeof STAR_COLUMNS)[number] {
  const column = STAR_COLUMNS[rating - 1];
  if (column === undefined) throw new Error(`rating ${rating} is outside 1..5`);
  return column;
}

ponder.on("FeedbackAttestations:FeedbackAttested", async ({ event, context }) => {
  const { feedbackId, ticketId, merchantId, customer, rating, commentHash } = event.args;
  await context.db.insert(feedback).values({
    id: feedbackId,
    ticketId,
    merchantId,
    customer: lower(customer),
    rating,
    commentHash,
    supersedes: 0n,
    supersededBy: 0n,
    createdAt: event.block.timestamp,
  });
  await context.db.update(merchant, { id: merchantId }).set((row: MerchantRow) => ({
    feedbackCount: row.feedbackCount + 1,
    feedbackSum: row.feedbackSum + rating,
    [star(rating)]: row[star(rating)] + 1,
  }));
  await addTimeline(context, event, ticketId, "feedback", {
    feedbackId,
    actor: customer,
    rating,
    hash: commentHash,
  });
  await notify(context, event, "feedback.given", merchantId, ticketId, {
    feedbackId,
    customer,
    rating,
    commentHash,
  });
});

/**
 * `amend` emits `FeedbackAttested` for the new record (handled above: the record is inserted and its
 * rating counted) and then `FeedbackAmended`: here the old record is marked superseded and its rating
 * leaves the aggregates, so the merchant's count stays the same and the rating moves.
 */
ponder.on("FeedbackAttestations:FeedbackAmended", async ({ event, context }) => {
  const { previousFeedbackId, newFeedbackId, ticketId, previousRating, rating } = event.args;
  const previous = await context.db.find(feedback, { id: previousFeedbackId });
  if (previous === null) throw new Error(`amendment of unknown feedback ${previousFeedbackId}`);
  await context.db
    .update(feedback, { id: previousFeedbackId })
    .set({ supersededBy: newFeedbackId });
  await context.db.update(feedback, { id: newFeedbackId }).set({ supersedes: previousFeedbackId });
  await context.db.update(merchant, { id: previous.merchantId }).set((row: MerchantRow) => ({
    feedbackCount: row.feedbackCount - 1,
    feedbackSum: row.feedbackSum - previousRating,
    [star(previousRating)]: row[star(previousRating)] - 1,
  }));
  await addTimeline(context, event, ticketId, "feedback-amended", {
    feedbackId: newFeedbackId,
    previousFeedbackId,
    rating,
    previousRating,
  });
});

ponder.on("FeedbackAttestations:FeedbackReplied", async ({ event, context }) => {
  const { feedbackId, ticketId, replier, replyHash } = event.args;
  await context.db.update(feedback, { id: feedbackId }).set({ replyHash });
  await addTimeline(context, event, ticketId, "feedback-replied", {
    feedbackId,
    actor: replier,
    hash: replyHash,
  });
});
