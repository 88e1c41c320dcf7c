import { InProcessBus, JetStreamBus, type Bus } from '@saber/bus';
import { isEmbedded, type SaberConfig } from '@saber/config';

/** KV buckets SABER services use. */
export const KV_BUCKETS = ['saber-runs', 'saber-tasks'] as const;

/**
 * The bus for this process: JetStream when NATS servers are configured, the
 * in-process bus in embedded mode. The bus is not started yet.
 */
export function createBus(config: SaberConfig, connectionName: string): Bus {
  if (isEmbedded(config)) return new InProcessBus();
  return new JetStreamBus({
    servers: config.natsServers,
    name: connectionName,
    namespace: config.namespace || undefined,
    kvBuckets: [...KV_BUCKETS],
  });
}
