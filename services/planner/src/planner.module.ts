import { Module } from '@nestjs/common';
import { PlannerController } from './planner.controller';
import { PlannerService } from './planner.service';
import { RunStore } from './run-store';
import { WorkflowSource } from './workflow-source';

/** The planner: compiles workflows, dispatches steps, advances runs. */
@Module({
  controllers: [PlannerController],
  providers: [PlannerService, RunStore, WorkflowSource],
})
export class PlannerModule {}
