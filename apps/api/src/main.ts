import { loadConfig } from '@gateway/config';
import { adminTokenCheck } from '@gateway/control';
import { startTelemetry } from '@gateway/observability';
import { configSchema } from './config';

async function main(): Promise<void> {
  const { ADMIN_TOKEN, ...config } = loadConfig(configSchema);
  startTelemetry('api', config.OTEL_EXPORTER_OTLP_ENDPOINT, config.OTEL_TRACES_SAMPLER_ARG);
  // Loaded after telemetry so instrumented modules are patched before first use.
  const { bootService } = await import('@gateway/platform');
  const { AppModule } = await import('./app.module');
  const { authorizeRequests } = await import('./auth.hook');
  const { ApiKeyAuthenticator } = await import('@gateway/control');
  const { serveOpenApi } = await import('./docs');
  const { acceptJsonOnly } = await import('./json-only');
  const { serveConsole } = await import('./console');
  const { publishRoute } = await import('./publish.route');
  // Only the token's hash stays in memory; the environment's copy goes too (diagnostic reports list it), as does the keys'.
  const isAdmin = adminTokenCheck(ADMIN_TOKEN);
  delete process.env.ADMIN_TOKEN;
  delete process.env.SECRETS_ENCRYPTION_KEYS;
  await bootService({
    module: AppModule.register(config, isAdmin),
    port: config.PORT,
    host: config.HOST,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    configure: async (app) => {
      authorizeRequests(app, app.get(ApiKeyAuthenticator));
      acceptJsonOnly(app);
      serveOpenApi(app);
      await serveConsole(app, config.PORTAL_FRAME_ANCESTORS);
    },
    rawHandler: publishRoute,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`api failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
