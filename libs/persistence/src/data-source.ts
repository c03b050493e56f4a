import { types } from 'pg';
import { DataSource } from 'typeorm';
import { parseJson } from '@gateway/schemas';
import { CreateCoreTables1764097200000 } from './migrations/1764097200000-CreateCoreTables';
import { AddDeliveryRoutedAt1764100800000 } from './migrations/1764100800000-AddDeliveryRoutedAt';
import { AddRetryToken1764118800000 } from './migrations/1764118800000-AddRetryToken';
import { CreateRetriesAndDeadLetters1764104400000 } from './migrations/1764104400000-CreateRetriesAndDeadLetters';
import { CreateInboundDedup1764111600000 } from './migrations/1764111600000-CreateInboundDedup';
import { AddDeliveryClaimedBy1764180000000 } from './migrations/1764180000000-AddDeliveryClaimedBy';
import { KeepPayloadText1764190000000 } from './migrations/1764190000000-KeepPayloadText';
import { AddEndpointDestination1764203600000 } from './migrations/1764203600000-AddEndpointDestination';
import { CreateEventTypes1764211380000 } from './migrations/1764211380000-CreateEventTypes';
import { CreateTenantsApiKeysAuditLog1764211500000 } from './migrations/1764211500000-CreateTenantsApiKeysAuditLog';
import { AddConsoleTables1764212100030 } from './migrations/1764212100030-AddConsoleTables';
import { PartitionEventTables1764213180000 } from './migrations/1764213180000-PartitionEventTables';
import { AddTenantRetentionDays1764213240000 } from './migrations/1764213240000-AddTenantRetentionDays';
import { RecordAndClaimFunction1764213300000 } from './migrations/1764213300000-RecordAndClaimFunction';
import { ClaimReadsByIndex1764213360000 } from './migrations/1764213360000-ClaimReadsByIndex';

// json and jsonb columns keep numbers a double cannot hold exact (event data, stored tasks), as the
// Kafka consumers do; they are written back with stringifyJson.
types.setTypeParser(types.builtins.JSON, parseJson);
types.setTypeParser(types.builtins.JSONB, parseJson);

export const migrations = [
  CreateCoreTables1764097200000,
  AddDeliveryRoutedAt1764100800000,
  CreateRetriesAndDeadLetters1764104400000,
  CreateInboundDedup1764111600000,
  AddRetryToken1764118800000,
  AddDeliveryClaimedBy1764180000000,
  KeepPayloadText1764190000000,
  AddEndpointDestination1764203600000,
  CreateEventTypes1764211380000,
  CreateTenantsApiKeysAuditLog1764211500000,
  AddConsoleTables1764212100030,
  PartitionEventTables1764213180000,
  AddTenantRetentionDays1764213240000,
  RecordAndClaimFunction1764213300000,
  ClaimReadsByIndex1764213360000,
];

/** Server-side limits of every statement on a connection (PostgreSQL settings, set when it opens). */
export interface StatementLimits {
  /** A statement running longer is cancelled (SQLSTATE 57014). */
  statementTimeoutMs: number;
  /** A statement waiting longer for a lock gives up (55P03). */
  lockTimeoutMs: number;
  /** A transaction left idle longer is ended, and its locks released. */
  idleInTransactionMs: number;
}

/**
 * The services' limits (ADR 0018). Without them a lock held elsewhere (an operator's open
 * transaction, a stuck replica) stalled a consumer silently; with them its statement fails, the
 * failure is transient (failureKind), logged and retried. Every statement of the data plane is
 * small; the largest, a page of a recover window, takes milliseconds. Migrations run without.
 */
export const serviceStatementLimits: StatementLimits = {
  statementTimeoutMs: 30_000,
  lockTimeoutMs: 10_000,
  idleInTransactionMs: 60_000,
};

/** The TypeORM data source; schema changes only through migrations (never `synchronize`). */
export function createDataSource(
  url: string,
  poolSize = 10,
  applicationName = 'gateway',
  limits?: StatementLimits,
): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    // No entities: every table is read and written with SQL by its store (the entities that were
    // declared here were never queried and had drifted from the migrations).
    entities: [],
    migrations,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'schema_migrations',
    // keepAlive: a connection dropped without a reset (NAT, failover) is noticed, not waited on.
    extra: {
      max: poolSize,
      application_name: applicationName,
      connectionTimeoutMillis: 3000,
      keepAlive: true,
      ...(limits && {
        statement_timeout: limits.statementTimeoutMs,
        lock_timeout: limits.lockTimeoutMs,
        idle_in_transaction_session_timeout: limits.idleInTransactionMs,
      }),
    },
  });
}

/** Applies pending migrations; returns their names (empty when the schema is current). */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}

/** Rejects unless PostgreSQL answers a trivial query within `timeoutMs`. */
export async function checkPostgres(dataSource: DataSource, timeoutMs = 2000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`postgres did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([dataSource.query('SELECT 1'), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
