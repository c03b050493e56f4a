/** Injection tokens of the resources every service shares. */
export const CONFIG = Symbol('CONFIG');
export const LOGGER = Symbol('LOGGER');
export const KAFKA = Symbol('KAFKA');
export const PRODUCER = Symbol('PRODUCER');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const TOPICS = Symbol('TOPICS');
export const KAFKA_GATE = Symbol('KAFKA_GATE');

/** One readiness dependency: `check` rejects when the dependency is not usable. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}
