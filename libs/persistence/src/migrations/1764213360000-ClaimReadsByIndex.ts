import type { MigrationInterface, QueryRunner } from 'typeorm';

const SIGNATURE = `record_and_claim(text[], text[], text[], json[], timestamptz[], timestamptz[], text[], text[], text[],
  text[], timestamptz[])`;

/**
 * The claim reads the event tables by index only, whatever their statistics say (ADR 0032). Its
 * statements are PL/pgSQL's, planned once per connection and kept: a plan made while today's
 * partition held a page of rows scanned that partition whole on every later call, for as long as
 * the connection lived or until an ANALYZE. A day's partition starts empty every midnight, and a
 * fresh database starts so; under load, each call then read every row recorded that day.
 */
export class ClaimReadsByIndex1764213360000 implements MigrationInterface {
  name = 'ClaimReadsByIndex1764213360000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER FUNCTION ${SIGNATURE} SET enable_seqscan = off`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER FUNCTION ${SIGNATURE} RESET enable_seqscan`);
  }
}
