// Tracing first: it must start before other modules are imported.
import './tracing';
import { bootstrapService } from '@saber/runtime';
import { BlockerModule } from './blocker.module';

void bootstrapService({ name: 'blocker', imports: [BlockerModule], defaultPort: 3002 });
