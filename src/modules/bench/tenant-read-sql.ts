/**
 * The SQL Prisma sends for the bench's tenant read,
 * `project.findMany({ take: 10, orderBy: { name: 'asc' } })`: the unguarded
 * raw-pg bench route, the floor server (bench/lib/floor-server.ts) and the
 * connection-churn baseline (bench/tenants.bench.ts) send exactly this.
 * A module of its own, so the floor server loads nothing else of the service.
 */
export const TENANT_READ_SQL =
  'SELECT "id", "name", "description", "billable", "hourly_rate" AS "hourlyRate", "archived", "archived_at" AS "archivedAt", ' +
  '"created_by" AS "createdBy", "created_at" AS "createdAt", "updated_at" AS "updatedAt" ' +
  'FROM "public"."projects" WHERE 1=1 ORDER BY "name" ASC LIMIT $1 OFFSET $2';
