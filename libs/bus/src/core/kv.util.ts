import { InvalidSubjectError } from '../bus.port';

/** Checks a KV key like NATS does: letters, digits, `-/_=.`, no leading or trailing dot. */
export function assertKvKey(key: string): void {
  if (!/^[-/=.\w]+$/.test(key) || key.startsWith('.') || key.endsWith('.')) {
    throw new InvalidSubjectError(key, 'a KV key may hold letters, digits and "-/_=." and may not start or end with "."');
  }
}

/** Rejects a revision that no write can have produced (RangeError). */
export function assertRevision(revision: number): void {
  if (!Number.isInteger(revision) || revision < 1) {
    throw new RangeError(`a KV revision is a positive integer, got ${String(revision)}`);
  }
}
