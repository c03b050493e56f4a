export {
  bootService,
  jsonBodyReader,
  type BootOptions,
  type JsonBodyReader,
  type RawHandler,
} from './boot-service';
export { PlatformModule, type PlatformOptions } from './platform.module';
export { CONFIG, LOGGER, KAFKA, PRODUCER, DATA_SOURCE, TOPICS, type ReadinessCheck } from './tokens';
export { ReadinessRegistry } from './readiness-registry';
export { ConsumerHost } from './consumer-host';
export {
  DomainError,
  ValidationError,
  UnprocessableError,
  NotFoundError,
  ConflictError,
} from './domain-error';
export {
  ProblemFilter,
  KAFKA_RETRY_AFTER_SECONDS,
  problemAnswer,
  type ProblemAnswer,
} from './problem.filter';
export { parseWith } from './parse-with';
export { AdaptiveBatcher } from './adaptive-batcher';
export { watchLoopDelay, type LoopSample } from './loop-delay';
export { LoopLimit, loopSaturated, type LoopLimitSettings } from './loop-limit';
export { provideClass } from './provide-class';
export { BodyTimeoutError, BodyTooLargeError, readRawBody } from './raw-body';
export { lingerOnClose } from './lingering-close';
