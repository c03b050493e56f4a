import type { z } from 'zod';
import type { MessageContract } from './contract';
import { deadLetter } from './messages/dead-letter.message';
import { deliveryTask } from './messages/delivery.message';
import { eventMessage } from './messages/event.message';
import { inboundJournalMessage, inboundMessage } from './messages/inbound.message';
import { invalidMessage } from './messages/invalid.message';
import { retryTask } from './messages/retry.message';
import type { TopicKey } from './topics';

/** Every topic's one contract (its key, encoding and schema): a new topic needs one to compile. */
export const topicContracts: Record<TopicKey, MessageContract<z.ZodType>> = {
  events: eventMessage,
  inbound: inboundMessage,
  inboundJournal: inboundJournalMessage,
  deliveries: deliveryTask,
  retries: retryTask,
  deadLetter,
  invalid: invalidMessage,
};
