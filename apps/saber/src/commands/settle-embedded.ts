import type { CatalogRunReader } from '@saber/catalog';
import type { EmbeddedSaber } from '../embedded';

/** Most time the embedded catalog gets to record the runs' last events before the process exits. */
export const SETTLE_TIMEOUT_MS = 10_000;

/**
 * Lets the embedded catalog record the ends of `runIds` (so `saber status` and
 * `saber collect` see them), at most {@link SETTLE_TIMEOUT_MS} in all, then stops the
 * services.
 */
export async function settleEmbedded(runIds: string[], embedded: EmbeddedSaber): Promise<void> {
  try {
    const { CATALOG_RUN_READER } = await import('@saber/catalog');
    const reader: CatalogRunReader = embedded.app.get(CATALOG_RUN_READER, { strict: false });
    const until = Date.now() + SETTLE_TIMEOUT_MS;
    for (const runId of runIds) {
      while (Date.now() < until) {
        const status = await reader.runStatus(runId);
        if (status && ['completed', 'failed', 'rejected'].includes(status)) break;
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  } finally {
    await embedded.close();
  }
}
