import type { RunningService } from './services';

/** A metric's value summed over the series whose labels contain `labels` (e.g. 'outcome="duplicate"'). */
export async function metricValue(service: RunningService, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || !line.includes(labels)) continue;
    const value = Number(line.split(' ').at(-1));
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}
