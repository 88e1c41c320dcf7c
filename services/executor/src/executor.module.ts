import { Module } from '@nestjs/common';
import { LocalProcessBackend } from './backends/local-process.backend';
import { executionBackendProvider } from './backends/select-backend';
import { ExecutorService } from './executor.service';

/** The executor: runs step tasks of its pool on the backend `SABER_EXECUTOR_BACKEND` names (local processes or Docker). */
@Module({
  providers: [ExecutorService, LocalProcessBackend, executionBackendProvider],
  exports: [ExecutorService],
})
export class ExecutorModule {}
