import { Controller, Get, Inject } from '@nestjs/common';
import { SERVICE_NAME } from './runtime.module';

/** Liveness endpoint every service exposes. */
@Controller('health')
export class HealthController {
  constructor(@Inject(SERVICE_NAME) private readonly service: string) {}

  /** 200 while the process runs. */
  @Get()
  health(): { status: 'ok'; service: string } {
    return { status: 'ok', service: this.service };
  }
}
