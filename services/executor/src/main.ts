// Tracing first: it must start before other modules are imported.
import './tracing';
import { bootstrapService } from '@saber/runtime';
import { ExecutorModule } from './executor.module';

void bootstrapService({ name: 'executor', imports: [ExecutorModule], defaultPort: 3003 });
