import { z } from 'zod';

/** Kafka's own rule for topic names; `__` names are the cluster's internal topics. */
const topic = z
  .string()
  .min(1)
  .max(249)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only')
  .refine((name) => name !== '.' && name !== '..', 'not "." or ".."')
  .refine((name) => !name.startsWith('__'), 'names starting with "__" are the cluster’s internal topics')
  .describe('The topic the signed messages are written to. It must exist: the gateway does not create it.');

const label = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const brokerPattern = new RegExp(`^(?:${label}(?:\\.${label})*|\\[[0-9A-Fa-f:.]+\\]):(\\d{1,5})$`);
const broker = z
  .string()
  .max(260)
  .regex(brokerPattern, 'expected host:port (a DNS name, an IPv4 address or a bracketed IPv6 one)')
  .refine((value) => {
    const port = Number(value.slice(value.lastIndexOf(':') + 1));
    return port >= 1 && port <= 65535;
  }, 'the port must be 1 to 65535');

/** Printable text: no control characters (they would reach the broker's handshake). */
const printable = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters');

const mechanism = z.enum(['plain', 'scram-sha-256', 'scram-sha-512']);

/**
 * The `destination` of an endpoint whose deliveries are written to a Kafka topic: the gateway's
 * own cluster (no `brokers`), or another one with its own TLS and SASL settings.
 */
export const kafkaTarget = z
  .strictObject({
    type: z.literal('kafka'),
    topic,
    brokers: z
      .array(broker)
      .min(1)
      .max(20)
      .refine((list) => new Set(list).size === list.length, 'brokers must differ')
      .optional()
      .describe("Another cluster's bootstrap brokers; absent: the gateway's own cluster and settings."),
    ssl: z.boolean().optional().describe('TLS toward `brokers` (the system’s CAs).'),
    sasl: z
      .strictObject({ mechanism, username: printable(255), password: printable(1024) })
      .optional()
      .describe('SASL toward `brokers`. The password is write-only: it is never returned.'),
  })
  .superRefine((target, context) => {
    if (!target.brokers) {
      for (const field of ['ssl', 'sasl'] as const)
        if (target[field] !== undefined)
          context.addIssue({
            code: 'custom',
            path: [field],
            message: 'only with brokers: the gateway’s own cluster is reached with the gateway’s settings',
          });
    }
    if (target.sasl?.mechanism === 'plain' && target.ssl !== true)
      context.addIssue({
        code: 'custom',
        path: ['ssl'],
        message: 'SASL plain sends the password as it is: set ssl to true',
      });
  });

export type KafkaTarget = z.infer<typeof kafkaTarget>;

/** A Kafka destination as the API answers it: the SASL password left out. */
export const kafkaTargetView = z.object({
  type: z.literal('kafka'),
  topic: z.string(),
  brokers: z.array(z.string()).optional(),
  ssl: z.boolean().optional(),
  sasl: z.object({ mechanism, username: z.string() }).optional(),
});
