import type { FactoryProvider } from '@nestjs/common';
import type { SaberConfig } from '@saber/config';
import { SABER_CONFIG } from '@saber/runtime';
import { EXECUTION_BACKEND, type ExecutionBackend } from './execution-backend';
import { LocalProcessBackend } from './local-process.backend';

/**
 * The backend `SABER_EXECUTOR_BACKEND` names: `local`, or `docker` (connected and
 * pinged here, so an unreachable engine stops the executor at start-up).
 */
export async function selectBackend(config: Pick<SaberConfig, 'executorBackend' | 'dockerHost'>, local: LocalProcessBackend): Promise<ExecutionBackend> {
  switch (config.executorBackend) {
    case 'docker': {
      // Loaded only when selected: dockerode costs ~0.4 s of start-up.
      const { DockerBackend } = await import('./docker.backend.js');
      return DockerBackend.connect(config.dockerHost, local);
    }
    case 'local':
      return local;
  }
}

/** Provides {@link EXECUTION_BACKEND}: the backend the configuration names (needs {@link LocalProcessBackend} provided too). */
export const executionBackendProvider: FactoryProvider<Promise<ExecutionBackend>> = {
  provide: EXECUTION_BACKEND,
  inject: [SABER_CONFIG, LocalProcessBackend],
  useFactory: (config: SaberConfig, local: LocalProcessBackend) => selectBackend(config, local),
};
