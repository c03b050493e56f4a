export interface Round {
  accepted: number;
  failed: number;
  latencies: number[];
  seconds: number;
}

/** Closed-loop `POST /v1/events` with `concurrency` callers for `seconds`, as one bearer. */
export async function publishRound(
  url: string,
  bearer: string,
  concurrency: number,
  seconds: number,
): Promise<Round> {
  const round: Round = { accepted: 0, failed: 0, latencies: [], seconds };
  const body = JSON.stringify({ type: 'bench.ping', data: { n: 1 } });
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        const started = performance.now();
        const response = await fetch(`${url}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
          body,
        });
        await response.arrayBuffer();
        if (response.status === 202) {
          round.accepted++;
          round.latencies.push(performance.now() - started);
        } else round.failed++;
      }
    }),
  );
  return round;
}
