import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AttemptsRepository,
  DeliveriesRepository,
  type AttemptRow,
  type DataSource,
  type NewEvent,
} from '@gateway/persistence';
import { closeTestDatabase, insertEndpoint, useTestDatabase } from '../support/endpoints';
import { freshDatabase } from '../support/gateway';

/**
 * The router's claim (real PostgreSQL): a delivery is emitted once per event id and endpoint, also
 * when a second copy of the event comes before the first copy's "routed" mark; the message that
 * claimed it may claim it again (it is re-read after a crash or a failed emit).
 */
describe('router claim: one delivery per event id and endpoint', () => {
  let db: DataSource;
  let endpointId: string;
  const event: NewEvent = {
    id: 'evt_claim_1',
    type: 'claim.test',
    tenant: null,
    data: { n: 1 },
    occurredAt: new Date().toISOString(),
    receivedAt: new Date().toISOString(),
  };
  /** A copy of the event published again a day later: another accepted time, so another partition. */
  const dayLater = new Date(Date.now() + 86_400_000).toISOString();

  before(async () => {
    db = await useTestDatabase(await freshDatabase());
    endpointId = (await insertEndpoint({ url: 'http://127.0.0.1:1/hook' })).id;
  });

  after(closeTestDatabase);

  const claim = (deliveryId: string, claimedBy: string, receivedAt = event.receivedAt) =>
    new DeliveriesRepository(db).recordAndClaim(
      [{ ...event, receivedAt }],
      [{ id: deliveryId, eventId: event.id, endpointId, claimedBy, createdAt: receivedAt }],
    );

  it('refuses a second copy from another message before the mark, and gives the claim back to the same message', async () => {
    assert.deepEqual(
      [...(await claim('dlv_claim_1', 'events:0:10')).keys()],
      ['dlv_claim_1'],
      'new: claimed',
    );
    assert.deepEqual(
      [...(await claim('dlv_claim_1', 'events:2:57', dayLater)).keys()],
      [],
      'the same event published again a day later, not yet marked routed: a duplicate',
    );
    const [counted] = await db.query<{ events: number; deliveries: number }[]>(
      `SELECT (SELECT count(*)::int FROM events WHERE id = $1) AS events,
              (SELECT count(*)::int FROM deliveries WHERE id = 'dlv_claim_1') AS deliveries`,
      [event.id],
    );
    assert.deepEqual(counted, { events: 1, deliveries: 1 }, "one row each, in the first copy's partition");
    assert.deepEqual(
      [...(await claim('dlv_claim_1', 'events:0:10')).keys()],
      ['dlv_claim_1'],
      'the claiming message read again (crash before the emit): claimed again',
    );
    await new DeliveriesRepository(db).markRouted([
      { id: 'dlv_claim_1', createdAt: new Date(event.receivedAt) },
    ]);
    assert.deepEqual([...(await claim('dlv_claim_1', 'events:0:10')).keys()], [], 'routed: never again');
  });

  it('gives the claim back to its message when it comes in one statement behind a copy from another message', async () => {
    assert.deepEqual([...(await claim('dlv_claim_3', 'events:0:20')).keys()], ['dlv_claim_3']);
    // A restart re-reads both partitions in one fetch, and the other copy's batch comes first.
    const merged = await new DeliveriesRepository(db).recordAndClaim(
      [event],
      [
        { id: 'dlv_claim_3', eventId: event.id, endpointId, claimedBy: 'events:2:70', createdAt: dayLater },
        {
          id: 'dlv_claim_3',
          eventId: event.id,
          endpointId,
          claimedBy: 'events:0:20',
          createdAt: event.receivedAt,
        },
      ],
    );
    assert.deepEqual([...merged.keys()], ['dlv_claim_3'], 'claimed (and emitted once for the statement)');
    assert.equal(
      merged.get('dlv_claim_3')?.toISOString(),
      new Date(event.receivedAt).toISOString(),
      "the claim carries the delivery's accepted time as recorded, not the copy's (its task's partition key)",
    );
    assert.deepEqual(
      [...(await claim('dlv_claim_3', 'events:1:3')).keys()],
      [],
      'a third message is still a duplicate',
    );
  });

  it('records one event and claims once when two copies with different accepted times come at the same time', async () => {
    const copy = (claimedBy: string, receivedAt: string) =>
      new DeliveriesRepository(db).recordAndClaim(
        [{ ...event, id: 'evt_claim_race', receivedAt }],
        [{ id: 'dlv_claim_race', eventId: 'evt_claim_race', endpointId, claimedBy, createdAt: receivedAt }],
      );
    const claimed = await Promise.all([copy('events:0:90', event.receivedAt), copy('events:3:91', dayLater)]);
    assert.equal(claimed.filter((set) => set.has('dlv_claim_race')).length, 1, 'claimed by one copy');
    const [counted] = await db.query<{ events: number; deliveries: number }[]>(
      `SELECT (SELECT count(*)::int FROM events WHERE id = 'evt_claim_race') AS events,
              (SELECT count(*)::int FROM deliveries WHERE id = 'dlv_claim_race') AS deliveries`,
    );
    assert.deepEqual(counted, { events: 1, deliveries: 1 });
  });

  it("marks routed without waiting on a delivery another transaction holds, whose first attempt's record marks it", async () => {
    const at = new Date(event.receivedAt);
    for (const n of [1, 2]) await claim(`dlv_mark_${n}`, `events:4:${n}`);
    // The dispatcher recording dlv_mark_1's first attempt holds its row: a mark that waited for it
    // while holding dlv_mark_2, as an attempt batch waited for dlv_mark_2 holding dlv_mark_1, was a
    // deadlock (found after PostgreSQL's one-second check, one of them failed).
    const holder = db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`SELECT 1 FROM deliveries WHERE id = 'dlv_mark_1' FOR UPDATE`);
    let outcome: 'answered' | 'waited on the held delivery' | undefined;
    try {
      const mark = new DeliveriesRepository(db)
        .markRouted([1, 2].map((n) => ({ id: `dlv_mark_${n}`, createdAt: at })))
        .then(() => (outcome ??= 'answered'));
      while (!outcome) {
        const [waiting] = await db.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'transactionid' AND NOT granted`,
        );
        if (waiting.n > 0) outcome ??= 'waited on the held delivery';
        else await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.equal(outcome, 'answered');
      await mark;
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }
    const routed = async () =>
      (
        await db.query<{ id: string }[]>(
          `SELECT id FROM deliveries WHERE id LIKE 'dlv_mark_%' AND routed_at IS NOT NULL ORDER BY id`,
        )
      ).map((row) => row.id);
    assert.deepEqual(await routed(), ['dlv_mark_2'], 'the held one left to its holder');
    await new AttemptsRepository(db).record([
      {
        deliveryId: 'dlv_mark_1',
        attempt: 1,
        startedAt: new Date(),
        durationMs: 2,
        statusCode: 200,
        error: null,
        responseBody: null,
        status: 'delivered',
        nextAttemptAt: null,
        eventReceivedAt: at,
      },
    ]);
    assert.deepEqual(await routed(), ['dlv_mark_1', 'dlv_mark_2'], 'its first attempt marked it');
    assert.deepEqual(
      [...(await claim('dlv_mark_1', 'events:4:1')).keys()],
      [],
      'routed: never claimed again',
    );
  });

  it('lets any message claim a delivery recorded without a claimant (rows from before the column), and keeps the first', async () => {
    await db.query(`INSERT INTO deliveries (id, event_id, endpoint_id) VALUES ('dlv_claim_2', $1, $2)`, [
      event.id,
      endpointId,
    ]);
    assert.deepEqual([...(await claim('dlv_claim_2', 'events:1:5')).keys()], ['dlv_claim_2']);
    assert.deepEqual([...(await claim('dlv_claim_2', 'events:3:9')).keys()], []);
  });

  it("moves a delivery's status in one statement whatever accepted time its task carries", async () => {
    const eventTime = new Date(event.receivedAt);
    const cases: [string, Date | null][] = [
      ['dlv_attempt_same', eventTime],
      ['dlv_attempt_other', new Date(dayLater)],
      ['dlv_attempt_none', null],
    ];
    for (const [id] of cases) await claim(id, `events:5:${id}`);
    const attempt = (deliveryId: string, number: number, at: Date | null, status: AttemptRow['status']) => ({
      deliveryId,
      attempt: number,
      startedAt: new Date(),
      durationMs: 3,
      statusCode: status === 'delivered' ? 200 : 500,
      error: null,
      responseBody: null,
      status,
      nextAttemptAt: null,
      eventReceivedAt: at,
    });
    const attempts = new AttemptsRepository(db);
    // The task's time is the delivery's (pruned to its partition), another day's (a copy's, from an
    // older router), or missing (a task from before tasks carried it): each finds its delivery.
    await attempts.record(cases.map(([id, at]) => attempt(id, 2, at, 'delivered')));
    // An older attempt recorded late never moves the status back.
    await attempts.record(cases.map(([id, at]) => attempt(id, 1, at, 'retrying')));
    const rows = await db.query<{ id: string; status: string; attempts: number; recorded: number }[]>(
      `SELECT d.id, d.status, d.attempts,
              (SELECT count(*)::int FROM attempts a WHERE a.delivery_id = d.id) AS recorded
         FROM deliveries d WHERE d.id LIKE 'dlv_attempt_%' ORDER BY d.id`,
    );
    assert.deepEqual(
      rows.map((row) => [row.id, row.status, row.attempts, row.recorded]),
      [
        ['dlv_attempt_none', 'delivered', 2, 2],
        ['dlv_attempt_other', 'delivered', 2, 2],
        ['dlv_attempt_same', 'delivered', 2, 2],
      ],
    );
  });
  it("finds a recorded attempt whatever accepted time its task carries, reading only that time's partitions", async () => {
    const attempts = new AttemptsRepository(db);
    const eventTime = new Date(event.receivedAt);
    // Another day's partition of attempts, locked by another transaction: a look-up by id alone
    // waits for it (it reads every partition); a look-up with the delivery's time never touches it.
    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
    const locked = `attempts_p${day}`;
    const holder = db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`LOCK TABLE ${locked} IN ACCESS EXCLUSIVE MODE`);
    let outcome: 'answered' | 'waited on the locked partition' | undefined;
    try {
      const lookup = attempts
        .recorded([
          { deliveryId: 'dlv_attempt_same', attempt: 2, eventReceivedAt: eventTime },
          { deliveryId: 'dlv_attempt_same', attempt: 7, eventReceivedAt: eventTime },
        ])
        .then((found) => {
          outcome ??= 'answered';
          return found;
        });
      while (!outcome) {
        const [waiting] = await db.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM pg_locks WHERE relation = $1::regclass AND NOT granted`,
          [locked],
        );
        if (waiting.n > 0) outcome ??= 'waited on the locked partition';
        else await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.equal(outcome, 'answered');
      assert.deepEqual(
        [...(await lookup)],
        [['dlv_attempt_same#2', 'delivered']],
        'attempt 7 was never made',
      );
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }
    // Another day's time (a copy's, from an older router) or none: found by id alone.
    const found = await attempts.recorded([
      { deliveryId: 'dlv_attempt_other', attempt: 2, eventReceivedAt: new Date(dayLater) },
      { deliveryId: 'dlv_attempt_none', attempt: 1, eventReceivedAt: null },
      { deliveryId: 'dlv_attempt_none', attempt: 3 },
    ]);
    assert.deepEqual([...found].sort(), [
      ['dlv_attempt_none#1', 'delivered'],
      ['dlv_attempt_other#2', 'delivered'],
    ]);
  });

  it('reads the event tables by index only, whatever their statistics say, with a plan kept per connection', async () => {
    // The claim's statements are planned once per connection and kept. A plan made while today's
    // partition held a page of rows scanned it whole on every later call: at 2,000 events/s a
    // minute after midnight, every claim read each row recorded that day.
    const runner = db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      // Today's partition with a few pages of rows, its statistics taken then.
      const today = `events_p${event.receivedAt.slice(0, 10).replaceAll('-', '')}`;
      await runner.query(
        `INSERT INTO events (id, type, data, occurred_at, received_at)
         SELECT 'evt_plan_filler_' || n, 'claim.test', '{}', $1::timestamptz, $1::timestamptz FROM generate_series(1, 300) AS n`,
        [event.receivedAt],
      );
      await runner.query(`ANALYZE ${today}`);
      const claims = new DeliveriesRepository(runner.manager);
      for (let call = 0; call < 8; call++) {
        const copy = { ...event, id: `evt_plan_${call}` };
        const claimed = await claims.recordAndClaim(
          [copy],
          [
            {
              id: `dlv_plan_${call}`,
              eventId: copy.id,
              endpointId,
              claimedBy: `events:1:${call}`,
              createdAt: copy.receivedAt,
            },
          ],
        );
        assert.equal(claimed.size, 1);
      }
      const scanned = (await runner.query(
        `SELECT relname, seq_scan::int FROM pg_stat_xact_user_tables
          WHERE relname ~ '^(events|deliveries)_' AND seq_scan > 0 ORDER BY relname`,
      )) as { relname: string; seq_scan: number }[];
      assert.deepEqual(scanned, [], 'no partition read whole');
      // Planned once per connection: planning it again on each call read every partition's
      // catalog entries, 0.9 ms a call with 30 days retained.
      const [settings] = (await runner.query(
        `SELECT proconfig FROM pg_proc WHERE proname = 'record_and_claim'`,
      )) as { proconfig: string[] }[];
      assert.deepEqual(settings.proconfig.sort(), [
        'enable_seqscan=off',
        'plan_cache_mode=force_generic_plan',
      ]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
