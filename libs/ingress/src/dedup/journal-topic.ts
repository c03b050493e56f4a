/**
 * The ingress journal: every verified inbound webhook, written (acks=all) before the 2xx, keyed by
 * source, in the `webhooks.inbound` value shape. The dedup consumer reads it and publishes each
 * event once to `webhooks.inbound`. Internal to the ingress, so its name lives here.
 */
export const journalTopicName = (prefix: string): string => `${prefix}inbound-journal`;
