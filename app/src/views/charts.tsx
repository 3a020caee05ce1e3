/** Chart.js charts with their numbers also as text (screen readers, and tests read them there). */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from "chart.js";
import { useEffect, useRef, type ReactNode } from "react";

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  Legend,
);

/** A bar or line chart; `summary` is what it shows, said in words (the canvas's label). */
export function ChartView({
  type,
  labels,
  values,
  label,
  summary,
  max,
}: {
  type: "bar" | "line";
  labels: string[];
  values: number[];
  label: string;
  summary: string;
  max?: number;
}): ReactNode {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart | undefined>(undefined);
  useEffect(() => {
    if (canvas.current === null) return;
    chart.current = new Chart(canvas.current, {
      type,
      data: {
        labels,
        datasets: [{ label, data: values, backgroundColor: "#1f5fa8", borderColor: "#1f5fa8" }],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: {
          y: { beginAtZero: true, ...(max === undefined ? {} : { max }), ticks: { precision: 0 } },
        },
      },
    });
    return () => chart.current?.destroy();
    // The chart is created once per type; data changes update it below.
  }, [type]);
  useEffect(() => {
    const current = chart.current;
    if (current === undefined) return;
    current.data.labels = labels;
    const dataset = current.data.datasets[0];
    if (dataset !== undefined) dataset.data = values;
    current.update();
  }, [labels.join("|"), values.join("|")]);
  return (
    <figure className="chart">
      <div className="chart-box">
        <canvas ref={canvas} role="img" aria-label={summary} />
      </div>
      <figcaption>{summary}</figcaption>
    </figure>
  );
}
