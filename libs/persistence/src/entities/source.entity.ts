import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'sources' })
export class SourceEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text') name!: string;
  @Column('text') provider!: string;
  @Column('jsonb') secrets!: string[];
  @Column('int', { name: 'tolerance_seconds' }) toleranceSeconds!: number;
  @Column('int', { name: 'max_body_bytes' }) maxBodyBytes!: number;
  @Column('int', { name: 'dedup_window_seconds' }) dedupWindowSeconds!: number;
  @Column('jsonb', { nullable: true }) forward!: { eventTypeFrom: string } | null;
  @Column('jsonb', { nullable: true }) options!: Record<string, unknown> | null;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
}
