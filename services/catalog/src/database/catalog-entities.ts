import { TaskAttempt } from '../attempts/task-attempt.entity';
import { CatalogEvent } from '../events/event.entity';
import { Metric } from '../metrics/metric.entity';
import { RunOutput } from '../outputs/run-output.entity';
import { Run } from '../runs/run.entity';
import { Step } from '../steps/step.entity';
import { Workflow } from '../workflows/workflow.entity';

/** Every entity of the catalog, for DataSource and `TypeOrmModule.forFeature` registration. */
export const CATALOG_ENTITIES = [CatalogEvent, Workflow, Run, Step, TaskAttempt, RunOutput, Metric];
