import { Module } from '@nestjs/common';
import { BlockerController } from './blocker.controller';
import { BlockSweepService } from './sweep/block-sweep.service';
import { SweepIntake } from './sweep/sweep-intake';
import { SweepStore } from './sweep/sweep-store';

/** The blocker: runs block sweeps as child runs, tracks them, requests the merge. */
@Module({
  controllers: [BlockerController],
  providers: [BlockSweepService, SweepIntake, SweepStore],
})
export class BlockerModule {}
