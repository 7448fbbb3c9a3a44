import { defineConfig } from 'prisma/config';
import { adapterFor } from './config-helpers';

export default defineConfig({
  experimental: { adapter: true, studio: true },
  engine: 'js',
  schema: 'schema-main.prisma',
  migrations: { path: 'migrations-main' },
  adapter: adapterFor(process.env.DATABASE_URL),
});
