/**
 * The SQL Prisma sends for the bench's tenant read,
 * `project.findMany({ take: 10, orderBy: { name: 'asc' } })`: the floor server
 * and the connection-churn baseline send exactly this.
 */
export const TENANT_READ_SQL =
  'SELECT "id", "name", "description", "billable", "hourly_rate" AS "hourlyRate", "archived", "archived_at" AS "archivedAt", ' +
  '"created_by" AS "createdBy", "created_at" AS "createdAt", "updated_at" AS "updatedAt" ' +
  'FROM "public"."projects" WHERE 1=1 ORDER BY "name" ASC LIMIT $1 OFFSET $2';
