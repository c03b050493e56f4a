// The test harness, shared by the specs, the benchmarks and `npm run dev` (tools/dev.ts).
export {
  startInfra,
  startKafkaCluster,
  freePort,
  freePortPair,
  repoRoot,
  type Infra,
  type InfraOptions,
  type KafkaCluster,
  type KafkaClusterOptions,
} from './stack';
export {
  startService,
  spawnService,
  serviceCommand,
  type RunningService,
  type ServiceName,
} from './services';
export { waitFor } from './wait-for';
export { freshDatabase } from './gateway';
