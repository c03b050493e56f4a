import type { Admin, Kafka } from 'kafkajs';

let admin: Admin | undefined;
let connecting: Promise<void> | undefined;

/** Rejects unless a broker answers a metadata request within `timeoutMs`. */
export async function checkKafka(kafka: Kafka, timeoutMs = 2000): Promise<void> {
  if (!admin) {
    admin = kafka.admin({ retry: { retries: 0 } });
    connecting = admin.connect();
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`kafka did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([connecting!.then(() => admin!.describeCluster()), timeout]);
  } catch (error) {
    const stale = admin;
    admin = undefined;
    void stale?.disconnect().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
