export { loadConfig, parseConfig, ConfigError } from './load-config';
export { describeConfig, type ConfigRow } from './describe-config';
export * from './fragments';
