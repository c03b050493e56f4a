import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenants as a resource, scoped API keys (only their SHA-256 hash is kept) and the audit log of
 * control-API changes (ADR 0025). A change to `api_keys` NOTIFYs `api_keys_changed` with the key's
 * id, so every api instance drops that key from its cache at once (a revocation is prompt).
 */
export class CreateTenantsApiKeysAuditLog1764211500000 implements MigrationInterface {
  name = 'CreateTenantsApiKeysAuditLog1764211500000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE tenants (
        id text PRIMARY KEY,
        name text NOT NULL,
        metadata jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await runner.query(`CREATE INDEX tenants_created_idx ON tenants (created_at, id)`);
    // A source created with a tenant's key is that tenant's (null: the operator's).
    await runner.query(`ALTER TABLE sources ADD COLUMN tenant text`);
    await runner.query(`
      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        name text NOT NULL,
        tenant text REFERENCES tenants(id),
        scopes text[] NOT NULL,
        prefix text NOT NULL UNIQUE,
        hash bytea NOT NULL,
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX api_keys_created_idx ON api_keys (created_at, id)`);
    await runner.query(`
      CREATE FUNCTION notify_api_keys() RETURNS trigger AS $$
      BEGIN
        PERFORM pg_notify('api_keys_changed', COALESCE(NEW.prefix, OLD.prefix));
        RETURN NULL;
      END $$ LANGUAGE plpgsql`);
    // Per row, but not on the batched last_used_at writes (no cache holds that column).
    await runner.query(`
      CREATE TRIGGER api_keys_notify AFTER INSERT OR DELETE OR UPDATE OF revoked_at, expires_at, scopes, tenant
      ON api_keys FOR EACH ROW EXECUTE FUNCTION notify_api_keys()`);
    await runner.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        action text NOT NULL,
        resource_type text NOT NULL,
        resource_id text,
        tenant text,
        summary jsonb NOT NULL DEFAULT '{}'
      )`);
    await runner.query(`CREATE INDEX audit_log_at_idx ON audit_log (at, id)`);
    await runner.query(`CREATE INDEX audit_log_tenant_idx ON audit_log (tenant, at, id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS audit_log`);
    await runner.query(`DROP TABLE IF EXISTS api_keys`);
    await runner.query(`DROP FUNCTION IF EXISTS notify_api_keys()`);
    await runner.query(`ALTER TABLE sources DROP COLUMN IF EXISTS tenant`);
    await runner.query(`DROP TABLE IF EXISTS tenants`);
  }
}
