export { createLogger, throttledWarning, type Logger } from './logger';
export { metrics, metricsRegistry, METRIC_PREFIX, setEndpointSeriesSource } from './metrics';
export { startTelemetry, stopTelemetry } from './telemetry';
export { startHopSpan, validTraceparent, SpanKind, type HopSpan } from './trace-span';
