export { RetryScheduler, type SchedulerPorts, type SchedulerSettings } from './retry-scheduler';
export { DueHeap } from './due-heap';
export {
  RetryIntake,
  type IncomingRetry,
  type RetryIntakePorts,
  type RetryIntakeSettings,
} from './retry-intake';
export { schedulerConfig } from './scheduler-config';
export {
  planPartitions,
  partitionName,
  dayOfPartition,
  type DayPartition,
  type PartitionPlan,
  type PartitionPlanInput,
} from './retention/partition-plan';
export {
  DeadLetterExpiry,
  type DeadLetterExpiryPorts,
  type DeadLetterExpirySettings,
} from './retention/dead-letter-expiry';
export {
  PartitionMaintenance,
  PARTITIONED_TABLES,
  type MaintainedTable,
  type MaintenanceReport,
  type PartitionMaintenancePorts,
  type PartitionMaintenanceSettings,
} from './retention/partition-maintenance';
export {
  TenantRetention,
  TENANT_RETENTION_TABLES,
  type TenantRetentionPorts,
  type TenantRetentionSettings,
  type TenantRetentionTable,
} from './retention/tenant-retention';
