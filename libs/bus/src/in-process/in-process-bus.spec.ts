import { runBusContract } from '../bus.contract';
import { InProcessBus } from './in-process-bus';

const quiet = { warn: () => {}, error: () => {} };

runBusContract('InProcessBus', async () => {
  const bus = new InProcessBus({ logger: quiet });
  return { bus, cleanup: () => bus.close() };
});
