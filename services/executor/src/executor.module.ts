import { Module } from '@nestjs/common';
import { EXECUTION_BACKEND } from './backends/execution-backend';
import { LocalProcessBackend } from './backends/local-process.backend';
import { ExecutorService } from './executor.service';

/** The executor: runs step tasks of its pool on a backend (local processes here). */
@Module({
  providers: [ExecutorService, LocalProcessBackend, { provide: EXECUTION_BACKEND, useExisting: LocalProcessBackend }],
  exports: [ExecutorService],
})
export class ExecutorModule {}
