import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { AuditEntryView, CreatedEndpointView, EndpointView, Page } from '@gateway/control';
import { createDataSource, type DataSource } from '@gateway/persistence';
import { freshDatabase, freshTopics, startServices } from '../support/gateway';
import type { RunningService } from '../support/services';
import { controlClient, type ApiCall } from './control-client';

const token = `admin-${randomUUID()}`;

/**
 * ADR 0025 on the real stack: a change through the control API and its audit entry commit
 * together. PostgreSQL is made to refuse the entries of chosen actions (a trigger), and every such
 * change must then be undone, not applied unrecorded.
 */
describe('audit entries commit with their change', () => {
  let services: Record<string, RunningService> = {};
  let db: DataSource;
  let call: ApiCall;

  /** Makes PostgreSQL refuse the audit entries of these actions (none: accept all again). */
  const refuseAudit = async (...actions: string[]) => {
    await db.query('DELETE FROM refused_audit_actions');
    for (const action of actions) await db.query('INSERT INTO refused_audit_actions VALUES ($1)', [action]);
  };

  const endpoint = async (id: string) => (await call<EndpointView>('GET', `/v1/endpoints/${id}`)).body;
  const entries = async (resourceId: string) =>
    (await call<Page<AuditEntryView>>('GET', `/v1/audit-log?resourceId=${resourceId}`)).body.data.map(
      (entry) => entry.action,
    );

  before(async () => {
    const { prefix } = await freshTopics(1);
    const databaseUrl = await freshDatabase();
    db = createDataSource(databaseUrl, 1);
    await db.initialize();
    await db.query('CREATE TABLE refused_audit_actions (action text PRIMARY KEY)');
    await db.query(`
      CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM refused_audit_actions WHERE action = NEW.action) THEN
          RAISE EXCEPTION 'audit entry refused by the spec';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(
      'CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()',
    );
    services = await startServices(['api'], {
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: databaseUrl,
      ADMIN_TOKEN: token,
    });
    call = controlClient(services.api.url, token);
  });

  after(async () => {
    await Promise.all(Object.values(services).map((service) => service.stop()));
    await db?.destroy();
  });

  it('undoes a create, an update, a secret rotation and a delete whose entry is refused', async () => {
    const created = await call<CreatedEndpointView>('POST', '/v1/endpoints', {
      url: 'https://r.example/audit',
      description: 'kept',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    await refuseAudit('endpoint.create', 'endpoint.update', 'endpoint.rotate-secret', 'endpoint.delete');

    const marker = `never-${randomUUID()}`;
    const refusedCreate = await call('POST', '/v1/endpoints', {
      url: 'https://r.example/x',
      description: marker,
    });
    assert.ok(refusedCreate.status >= 500, `create answered ${refusedCreate.status}`);
    const stored = await db.query<unknown[]>('SELECT 1 FROM endpoints WHERE description = $1', [marker]);
    assert.equal(stored.length, 0, 'the refused create left no endpoint');

    const patched = await call('PATCH', `/v1/endpoints/${id}`, { description: 'changed' });
    assert.ok(patched.status >= 500, `update answered ${patched.status}`);
    assert.equal((await endpoint(id)).description, 'kept');

    const secretBefore = (await call<{ key: string }>('GET', `/v1/endpoints/${id}/secret`)).body.key;
    const rotated = await call('POST', `/v1/endpoints/${id}/secret/rotate`, {});
    assert.ok(rotated.status >= 500, `rotation answered ${rotated.status}`);
    assert.equal((await call<{ key: string }>('GET', `/v1/endpoints/${id}/secret`)).body.key, secretBefore);

    const deleted = await call('DELETE', `/v1/endpoints/${id}`);
    assert.ok(deleted.status >= 500, `delete answered ${deleted.status}`);
    assert.equal((await call('GET', `/v1/endpoints/${id}`)).status, 200);
    assert.deepEqual(await entries(id), ['endpoint.create']);

    await refuseAudit();
    const accepted = await call('PATCH', `/v1/endpoints/${id}`, { description: 'changed' });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal((await endpoint(id)).description, 'changed');
    assert.deepEqual(await entries(id), ['endpoint.update', 'endpoint.create']);
  });
});
