// Tracing first: it must start before other modules are imported.
import './tracing';
import { bootstrapService } from '@saber/runtime';
import { PlannerModule } from './planner.module';

void bootstrapService({ name: 'planner', imports: [PlannerModule], defaultPort: 3001 });
