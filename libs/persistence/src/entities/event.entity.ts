import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'events' })
export class EventEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text') type!: string;
  @Column('text', { nullable: true }) tenant!: string | null;
  @Column('json') data!: unknown;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt!: Date;
  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
}
