import { isMoving, succeeded, type EventTrace } from '../api/trace';
import { span, when } from './format';

const at = (iso: string): number => new Date(iso).getTime();

/** Where a moment falls on the axis, in percent (clamped). */
const place = (time: number, start: number, range: number): number =>
  Math.min(100, Math.max(0, ((time - start) / range) * 100));

/**
 * An event drawn like a sequence diagram on one time axis: published, routed, then per delivery
 * each attempt (status, latency), the waits between attempts, and where the delivery stands now.
 * Plain positioned HTML (CSSOM styles, allowed by the CSP); each mark also reads as text.
 */
export function Timeline(props: { trace: EventTrace; now: number }) {
  const { event, deliveries } = props.trace;
  const published = at(event.receivedAt);
  const ends = deliveries.flatMap(({ delivery, attempts }) => [
    at(delivery.createdAt),
    ...attempts.map((attempt) => at(attempt.startedAt) + attempt.durationMs),
    ...(isMoving(delivery) ? [delivery.nextAttemptAt ? at(delivery.nextAttemptAt) : props.now] : []),
  ]);
  const start = Math.min(published, ...ends);
  const range = Math.max(1, Math.max(published, ...ends) - start);
  const routed = deliveries.length
    ? Math.min(...deliveries.map(({ delivery }) => at(delivery.createdAt)))
    : null;
  return (
    <figure class="timeline" aria-label="Event timeline" data-testid="timeline">
      <div class="lane">
        <span class="lane-name">Gateway</span>
        <ol class="track">
          <li class="mark published" style={{ left: `${place(published, start, range)}%` }}>
            Published {when(event.receivedAt)}
          </li>
          {routed !== null && (
            <li class="mark routed" style={{ left: `${place(routed, start, range)}%` }}>
              Routed +{span(routed - published)}
            </li>
          )}
        </ol>
      </div>
      {deliveries.map(({ delivery, attempts }) => {
        const sorted = [...attempts].sort((a, b) => a.attempt - b.attempt);
        return (
          <div class="lane" key={delivery.id}>
            <span class="lane-name" title={delivery.endpointId}>
              {delivery.endpointId.slice(0, 12)}
            </span>
            <ol class="track">
              {sorted.map((attempt, index) => {
                const begin = at(attempt.startedAt);
                const previous = sorted[index - 1];
                const waitFrom = previous ? at(previous.startedAt) + previous.durationMs : null;
                return [
                  waitFrom !== null && (
                    <li
                      key={`wait-${attempt.attempt}`}
                      class="wait"
                      style={{
                        left: `${place(waitFrom, start, range)}%`,
                        width: `${place(begin, start, range) - place(waitFrom, start, range)}%`,
                      }}
                    >
                      waited {span(begin - waitFrom)}
                    </li>
                  ),
                  <li
                    key={`attempt-${attempt.attempt}`}
                    class={`attempt ${succeeded(attempt) ? 'ok' : 'failed'}`}
                    data-testid="timeline-attempt"
                    style={{ left: `${place(begin, start, range)}%` }}
                  >
                    #{attempt.attempt} {attempt.statusCode ?? attempt.error ?? 'no answer'} ·{' '}
                    {span(attempt.durationMs)}
                  </li>,
                ];
              })}
              <li class={`mark now ${delivery.status}`} style={{ left: '100%' }}>
                now: {delivery.status}
                {delivery.nextAttemptAt && isMoving(delivery) ? `, next ${when(delivery.nextAttemptAt)}` : ''}
              </li>
            </ol>
          </div>
        );
      })}
      <figcaption>
        {when(new Date(start).toISOString())} → {span(range)}
      </figcaption>
    </figure>
  );
}
