/** One bus message handed to the catalog. */
export interface CatalogEventInput {
  /** Subject it was published on, e.g. `saber.events.step.completed.v1` (a namespace prefix is allowed). */
  subject: string;
  /** Deduplication id (`Nats-Msg-Id`); the catalog records each id once. */
  msgId: string;
  /** Decoded JSON payload. */
  payload: unknown;
  /** Message headers (`Saber-Schema`, `traceparent`, ...); names are matched case-insensitively. */
  headers?: Record<string, string>;
}

/**
 * What {@link CatalogIngestService.ingest} did:
 * - `recorded`: new event, validated, logged and projected;
 * - `duplicate`: its msgId was already recorded; nothing changed;
 * - `ignored`: new event on a subject with no catalog contract; logged in `events` only.
 */
export type IngestOutcome = 'recorded' | 'duplicate' | 'ignored';

/** The message itself is unusable (no dedupe id or subject); retrying cannot help. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}
