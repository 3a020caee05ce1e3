/** A merchant's public page: reputation before you buy (deadlines kept, ratings, reserve backing). */
import { merchantReport } from "careledger";
import { ZeroAddress } from "ethers";
import type { ReactNode } from "react";

import { formatBps, formatEth } from "../lib/format.ts";
import { useBlock, useChainRead } from "../lib/hooks.ts";
import { useSession } from "../lib/session.tsx";
import { ChartView } from "./charts.tsx";

/** "5 stars: 2, 4 stars: 0, ...": the histogram in words. */
export function histogramSummary(histogram: readonly number[]): string {
  return [5, 4, 3, 2, 1]
    .map((stars) => `${stars} ${stars === 1 ? "star" : "stars"}: ${histogram[stars - 1] ?? 0}`)
    .join(", ");
}

export function PublicMerchant({ merchantId }: { merchantId: number }): ReactNode {
  const { reader } = useSession();
  const block = useBlock();
  const report = useChainRead(
    async () => ({
      report: await merchantReport(reader, merchantId),
      reserve: await reader.escrow.reserveOf(merchantId, ZeroAddress),
    }),
    String(merchantId),
    block?.number,
  );
  return (
    <>
      <h1 tabIndex={-1}>Merchant {merchantId}</h1>
      {report.data === undefined ? (
        <p role={report.error === undefined ? undefined : "alert"}>{report.error ?? "Loading…"}</p>
      ) : (
        <Reputation report={report.data.report} reserve={report.data.reserve} />
      )}
    </>
  );
}

export function Reputation({
  report,
  reserve,
}: {
  report: Awaited<ReturnType<typeof merchantReport>>;
  reserve: bigint;
}): ReactNode {
  const { sla, ratings, refunds, compensation } = report;
  const settled = Number(
    sla.firstResponseMet + sla.firstResponseMissed + sla.resolutionMet + sla.resolutionMissed,
  );
  return (
    <div className="grid">
      <section className="card" aria-labelledby="kept">
        <h2 id="kept">Deadlines kept</h2>
        <p className="big" data-testid="hit-rate">
          {settled === 0 ? "no deadline settled yet" : formatBps(sla.hitRateBps)}
        </p>
        <p className="muted">
          First response: {String(sla.firstResponseMet)} met, {String(sla.firstResponseMissed)}{" "}
          missed. Resolution: {String(sla.resolutionMet)} met, {String(sla.resolutionMissed)}{" "}
          missed.
        </p>
      </section>
      <section className="card" aria-labelledby="ratings">
        <h2 id="ratings">Ratings</h2>
        <p className="big">
          {ratings.average === null ? "not rated yet" : `${ratings.average.toFixed(1)} of 5`}{" "}
          <span className="muted">({ratings.count} ratings)</span>
        </p>
        <ChartView
          type="bar"
          labels={["1 star", "2 stars", "3 stars", "4 stars", "5 stars"]}
          values={[...ratings.histogram]}
          label="Ratings"
          summary={histogramSummary(ratings.histogram)}
        />
      </section>
      <section className="card" aria-labelledby="backing">
        <h2 id="backing">Refund reserve</h2>
        <p className="big">{formatEth(reserve)}</p>
        <p className="muted">
          {refunds.requested} {refunds.requested === 1 ? "refund" : "refunds"} requested,{" "}
          {refunds.paid} paid, {refunds.rejected} rejected.{" "}
          {compensation.backed
            ? "Its compensation promise is backed."
            : "Its compensation promise is not backed now."}
        </p>
      </section>
    </div>
  );
}
