import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A signing secret of an endpoint; an old one keeps signing until `expiresAt` (rotation overlap). */
@Entity({ name: 'endpoint_secrets' })
export class EndpointSecretEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('text', { name: 'endpoint_id' }) endpointId!: string;
  @Column('text') key!: string;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { nullable: true, name: 'expires_at' }) expiresAt!: Date | null;
}
