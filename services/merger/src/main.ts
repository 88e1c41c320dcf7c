// Tracing first: it must start before other modules are imported.
import './tracing';
import { bootstrapService } from '@saber/runtime';
import { MergerModule } from './merger.module';

void bootstrapService({ name: 'merger', imports: [MergerModule], defaultPort: 3004 });
