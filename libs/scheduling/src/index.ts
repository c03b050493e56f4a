export { RetryScheduler, type SchedulerPorts, type SchedulerSettings } from './retry-scheduler';
export { DueHeap } from './due-heap';
export { schedulerConfig } from './scheduler-config';
