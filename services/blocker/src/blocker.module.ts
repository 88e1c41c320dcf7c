import { Module } from '@nestjs/common';
import { BlockerController } from './blocker.controller';

/** The blocker service module. */
@Module({ controllers: [BlockerController] })
export class BlockerModule {}
