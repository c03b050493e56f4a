import { useEffect, useRef } from 'preact/hooks';
import uPlot, { type AlignedData, type Options } from 'uplot';

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
  /** A second y axis on the right (e.g. latency next to counts). */
  right?: boolean;
}

/** A time chart (uPlot, drawn on a canvas) of series over bucket starts, sized to its container. */
export function TimeChart(props: { title: string; starts: string[]; series: Series[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const data: AlignedData = [
      props.starts.map((start) => new Date(start).getTime() / 1000),
      ...props.series.map((series) => series.values),
    ];
    const options: Options = {
      width: Math.max(280, element.clientWidth),
      height: 220,
      series: [
        {},
        ...props.series.map((series) => ({
          label: series.label,
          stroke: series.color,
          width: 2,
          scale: series.right ? 'ms' : 'n',
          spanGaps: false,
        })),
      ],
      scales: { n: { range: (_plot, _min, max) => [0, Math.max(1, max)] } },
      axes: [
        {},
        { scale: 'n' },
        ...(props.series.some((series) => series.right)
          ? [{ scale: 'ms', side: 1, grid: { show: false } }]
          : []),
      ],
    };
    const plot = new uPlot(options, data, element);
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(280, element.clientWidth), height: 220 }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.starts, props.series]);
  const total = props.series.map(
    (series) => `${series.label}: ${series.values.reduce<number>((sum, value) => sum + (value ?? 0), 0)}`,
  );
  return (
    <figure class="chart">
      <div ref={box} role="img" aria-label={`${props.title}. Totals: ${total.join(', ')}`} />
      <figcaption>{props.title}</figcaption>
    </figure>
  );
}
