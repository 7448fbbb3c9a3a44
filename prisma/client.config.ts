import { defineConfig } from 'prisma/config';
import { adapterFor } from './config-helpers';

export default defineConfig({
  experimental: { adapter: true, studio: true },
  engine: 'js',
  schema: 'schema-client.prisma',
  migrations: { path: 'migrations-client' },
  adapter: adapterFor(process.env.CLIENT_DATABASE_URL),
});
