import { Column, Entity, PrimaryColumn } from 'typeorm';

export type DeliveryStatus = 'pending' | 'delivered' | 'retrying' | 'dead' | 'cancelled';

@Entity({ name: 'deliveries' })
export class DeliveryEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'event_id' }) eventId!: string;
  @Column('text', { name: 'endpoint_id' }) endpointId!: string;
  @Column('text') status!: DeliveryStatus;
  @Column('int') attempts!: number;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
  @Column('timestamptz', { nullable: true, name: 'next_attempt_at' }) nextAttemptAt!: Date | null;
}
