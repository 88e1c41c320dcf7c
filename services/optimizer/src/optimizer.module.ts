import { Module } from '@nestjs/common';
import { OptimizerController } from './optimizer.controller';

/** The optimizer service module. */
@Module({ controllers: [OptimizerController] })
export class OptimizerModule {}
