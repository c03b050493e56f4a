import type { MigrationInterface, QueryRunner } from 'typeorm';

const SIGNATURE = `record_and_claim(text[], text[], text[], json[], timestamptz[], timestamptz[], text[], text[], text[],
  text[], timestamptz[])`;

/**
 * The claim's statement is planned once per connection and kept, and reads the event tables by
 * index only, whatever their statistics say (ADR 0032):
 * - `plan_cache_mode = force_generic_plan`: PL/pgSQL planned it again on every call, as the plan
 *   for the call's own arrays looked cheaper than the kept one. With 30 days of partitions that
 *   planning cost 0.9 ms a call, most of PostgreSQL's time at low load (a call or two per event);
 * - `enable_seqscan = off`: a kept plan made while today's partition held a page of rows scanned
 *   that partition whole on every later call, for as long as the connection lived or until an
 *   ANALYZE. A day's partition starts empty every midnight, and a fresh database starts so.
 */
export class ClaimReadsByIndex1764213360000 implements MigrationInterface {
  name = 'ClaimReadsByIndex1764213360000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER FUNCTION ${SIGNATURE} SET plan_cache_mode = force_generic_plan`);
    await runner.query(`ALTER FUNCTION ${SIGNATURE} SET enable_seqscan = off`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER FUNCTION ${SIGNATURE} RESET ALL`);
  }
}
