import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'endpoints' })
export class EndpointEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text') url!: string;
  @Column('text', { nullable: true }) description!: string | null;
  @Column('text', { array: true, name: 'event_types' }) eventTypes!: string[];
  @Column('jsonb', { nullable: true }) filter!: Record<string, unknown> | null;
  @Column('text', { nullable: true }) tenant!: string | null;
  @Column('boolean') ordered!: boolean;
  @Column('jsonb', { nullable: true, name: 'retry_policy' }) retryPolicy!: {
    maxAttempts: number;
    baseSeconds: number;
    factor: number;
    capSeconds: number;
  } | null;
  @Column('jsonb', { nullable: true, name: 'rate_limit' }) rateLimit!: { perSecond: number } | null;
  @Column('jsonb') headers!: Record<string, string>;
  @Column('boolean') enabled!: boolean;
  @Column('text', { nullable: true, name: 'disabled_reason' }) disabledReason!: string | null;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
}
