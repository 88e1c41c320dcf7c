import { Module } from '@nestjs/common';
import { MergerController } from './merger.controller';

/** The merger service module. */
@Module({ controllers: [MergerController] })
export class MergerModule {}
