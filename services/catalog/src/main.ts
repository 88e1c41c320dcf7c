// Tracing first: it must start before other modules are imported.
import './tracing';
import { loadConfig } from '@saber/config';
import { bootstrapService } from '@saber/runtime';
import { CatalogServiceModule } from './catalog-service.module';

const config = loadConfig();
if (!config.databaseUrl) {
  process.stderr.write('the catalog service needs DATABASE_URL (postgres://...); embedded mode uses `saber run`\n');
  process.exit(2);
}
void bootstrapService({
  name: 'catalog',
  config,
  health: false, // the catalog serves its own /health and /health/ready
  imports: [CatalogServiceModule.forRoot({ databaseUrl: config.databaseUrl, home: config.home, schema: config.dbSchema })],
  defaultPort: 3000,
});
