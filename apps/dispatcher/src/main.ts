import { loadConfig } from '@gateway/config';
import { startTelemetry } from '@gateway/observability';
import { configSchema } from './config';

async function main(): Promise<void> {
  const config = loadConfig(configSchema);
  // The keys stay in memory only; the environment's copy goes (diagnostic reports list it).
  delete process.env.SECRETS_ENCRYPTION_KEYS;
  startTelemetry('dispatcher', config.OTEL_EXPORTER_OTLP_ENDPOINT, config.OTEL_TRACES_SAMPLER_ARG);
  // Loaded after telemetry so instrumented modules are patched before first use.
  const { bootService } = await import('@gateway/platform');
  const { AppModule } = await import('./app.module');
  await bootService({
    module: AppModule.register(config),
    port: config.PORT,
    host: config.HOST,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `dispatcher failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
