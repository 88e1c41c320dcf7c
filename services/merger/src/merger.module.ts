import { Module } from '@nestjs/common';
import type { SaberConfig } from '@saber/config';
import { SABER_CONFIG } from '@saber/runtime';
import { MergeService } from './merge/merge.service';
import { MergerController } from './merger.controller';
import { loadMergerOptions, MERGER_OPTIONS } from './merger.options';

/** The merger: stitches the blocks of a finished sweep group into whole-volume results. */
@Module({
  controllers: [MergerController],
  providers: [MergeService, { provide: MERGER_OPTIONS, useFactory: (config: SaberConfig) => loadMergerOptions(config), inject: [SABER_CONFIG] }],
})
export class MergerModule {}
