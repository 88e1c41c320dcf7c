import { startTelemetry } from '@saber/telemetry';

startTelemetry({ serviceName: 'saber-cli' });
