// Tool tasks are file-system heavy (work directories, captured streams, output
// collection) and libuv runs file operations on a thread pool of 4 by default:
// with several tasks at once they queue behind each other. Must be set before the
// pool is first used, hence here, in the first module the entry point loads.
process.env.UV_THREADPOOL_SIZE ??= '16';

import { startTelemetry } from '@saber/telemetry';

startTelemetry({ serviceName: 'saber-executor' });
