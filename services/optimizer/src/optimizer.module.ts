import { Module } from '@nestjs/common';
import { OptimizerController } from './optimizer.controller';
import { StudyIntake } from './study/study-intake';
import { StudyService } from './study/study.service';
import { StudyStore } from './study/study-store';

/** The optimizer: runs hyperparameter studies as trials (runs or block sweeps), scores them, proposes the next ones. */
@Module({
  controllers: [OptimizerController],
  providers: [StudyService, StudyIntake, StudyStore],
})
export class OptimizerModule {}
