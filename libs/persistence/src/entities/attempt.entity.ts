import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'attempts' })
export class AttemptEntity {
  @PrimaryColumn('text', { name: 'delivery_id' }) deliveryId!: string;
  @PrimaryColumn('int') attempt!: number;
  @Column('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('int', { name: 'duration_ms' }) durationMs!: number;
  @Column('int', { nullable: true, name: 'status_code' }) statusCode!: number | null;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('text', { nullable: true, name: 'response_body' }) responseBody!: string | null;
}
