/**
 * FeedbackAttestations: ratings, replies and amendments, and each merchant's current aggregates
 * (`merchantStats`): an amendment moves one rating from its old star to its new one.
 */
import { ponder } from "ponder:registry";
import { feedback, merchant, ticket } from "ponder:schema";

import { addTimeline, lower, notify, type Context } from "./record.ts";

type MerchantRow = typeof merchant.$inferSelect;
const STAR_COLUMNS = ["rating1", "rating2", "rating3", "rating4", "rating5"] as const;

const VERIFIED_STAR_COLUMNS = [
  "verifiedRating1",
  "verifiedRating2",
  "verifiedRating3",
  "verifiedRating4",
  "verifiedRating5",
] as const;

function star(rating: number): (typeof STAR_COLUMNS)[number] {
  const column = STAR_COLUMNS[rating - 1];
  if (column === undefined) throw new Error(`rating ${rating} is outside 1..5`);
  return column;
}

function verifiedStar(rating: number): (typeof VERIFIED_STAR_COLUMNS)[number] {
  const column = VERIFIED_STAR_COLUMNS[rating - 1];
  if (column === undefined) throw new Error(`rating ${rating} is outside 1..5`);
  return column;
}

/**
 * Adds `rating` to (`delta` 1) or takes it from (`delta` -1) merchant `merchantId`'s aggregates, and to
 * its verified ones too when ticket `ticketId` was opened with an order receipt (`verifiedMerchantStats`).
 */
async function countRating(
  context: Context,
  merchantId: number,
  ticketId: bigint,
  rating: number,
  delta: 1 | -1,
): Promise<void> {
  const row = await context.db.find(ticket, { id: ticketId });
  if (row === null) throw new Error(`feedback on unknown ticket ${ticketId}`);
  const verified = row.verified;
  await context.db.update(merchant, { id: merchantId }).set((m: MerchantRow) => ({
    feedbackCount: m.feedbackCount + delta,
    feedbackSum: m.feedbackSum + delta * rating,
    [star(rating)]: m[star(rating)] + delta,
    ...(verified
      ? {
          verifiedFeedbackCount: m.verifiedFeedbackCount + delta,
          verifiedFeedbackSum: m.verifiedFeedbackSum + delta * rating,
          [verifiedStar(rating)]: m[verifiedStar(rating)] + delta,
        }
      : {}),
  }));
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
  await countRating(context, merchantId, ticketId, rating, 1);
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
  await countRating(context, previous.merchantId, ticketId, previousRating, -1);
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
