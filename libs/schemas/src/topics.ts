/** Topic names without prefix; the one place topic names are written down. */
const suffixes = {
  events: 'events',
  inbound: 'inbound',
  /** The ingress journal: verified webhooks, written before the 2xx, read by the dedup consumer. */
  inboundJournal: 'inbound-journal',
  deliveries: 'deliveries',
  retries: 'retries',
  deadLetter: 'dead-letter',
  invalid: 'invalid',
} as const;

export type TopicKey = keyof typeof suffixes;
export type TopicNames = Record<TopicKey, string>;

/** Every topic's full name under one prefix (KAFKA_TOPIC_PREFIX, default "webhooks."). */
export function topicNames(prefix: string): TopicNames {
  const names = {} as TopicNames;
  for (const key of Object.keys(suffixes) as TopicKey[]) names[key] = `${prefix}${suffixes[key]}`;
  return names;
}
