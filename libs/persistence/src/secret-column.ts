import { SecretBox, SecretOpenError } from '@gateway/encryption';

/**
 * A column holding secrets encrypted at rest: seals what a repository writes and opens what it
 * reads, with `<table.column>:<row>` as the associated data, so a value moved to another row or
 * column does not open. Without keys (a service that reads no secret) sealing or opening a sealed
 * value throws.
 */
export class SecretColumn {
  constructor(
    private readonly box: SecretBox | undefined,
    readonly column: string,
  ) {}

  seal(plaintext: string, row: string): string {
    return this.keys().seal(plaintext, this.place(row));
  }

  /** A plaintext from before encryption needs no key: it comes back as is (the migrate step seals it). */
  open(stored: string, row: string): string {
    return SecretBox.isSealed(stored) ? this.keys().open(stored, this.place(row)) : stored;
  }

  /** The value sealed under the newest key, or undefined when it already is (plaintext is sealed). */
  reseal(stored: string, row: string): string | undefined {
    return this.keys().reseal(stored, this.place(row));
  }

  /** Seals each value of a name → value map (custom headers), the name part of its place. */
  sealMap(values: Record<string, string>, row: string): Record<string, string> {
    return mapValues(values, (value, name) => this.seal(value, `${row}:${name}`));
  }

  openMap(values: Record<string, string>, row: string): Record<string, string> {
    return mapValues(values, (value, name) => this.open(value, `${row}:${name}`));
  }

  /** The map with every value under the newest key, or undefined when none needed it. */
  resealMap(values: Record<string, string>, row: string): Record<string, string> | undefined {
    let changed = false;
    const resealed = mapValues(values, (value, name) => {
      const next = this.reseal(value, `${row}:${name}`);
      if (next !== undefined) changed = true;
      return next ?? value;
    });
    return changed ? resealed : undefined;
  }

  private place(row: string): string {
    return `${this.column}:${row}`;
  }

  private keys(): SecretBox {
    if (!this.box) throw new Error(`${this.column} holds encrypted secrets: set SECRETS_ENCRYPTION_KEYS`);
    return this.box;
  }
}

const mapValues = (
  values: Record<string, string>,
  map: (value: string, name: string) => string,
): Record<string, string> =>
  Object.fromEntries(Object.entries(values).map(([name, value]) => [name, map(value, name)]));

/**
 * A row for a service's live view: opened, or, when one of its secrets does not open (a key not
 * configured, a tampered value), the row marked with why. Only that row is affected; any other
 * error still fails the load.
 */
export function openedOrUnreadable<R>(open: () => R, unreadable: (reason: string) => R): R {
  try {
    return open();
  } catch (error) {
    if (error instanceof SecretOpenError) return unreadable(error.message);
    throw error;
  }
}
