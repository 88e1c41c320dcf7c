// Tracing first: it must start before other modules are imported.
import './tracing';
import { bootstrapService } from '@saber/runtime';
import { OptimizerModule } from './optimizer.module';

void bootstrapService({ name: 'optimizer', imports: [OptimizerModule], defaultPort: 3005 });
