export { createLogger, type Logger } from './logger';
export { metrics, metricsRegistry, METRIC_PREFIX } from './metrics';
export { startTelemetry, stopTelemetry } from './telemetry';
export { startHopSpan, SpanKind, type HopSpan } from './trace-span';
