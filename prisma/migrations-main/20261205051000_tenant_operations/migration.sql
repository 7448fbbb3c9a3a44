-- CreateTable
CREATE TABLE "operation_jobs" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "client_id" UUID,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "progress_done" INTEGER NOT NULL DEFAULT 0,
    "progress_total" INTEGER NOT NULL DEFAULT 0,
    "data" JSONB NOT NULL DEFAULT '{}',
    "checkpoint" TEXT,
    "result" JSONB,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "operation_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "client_backups" (
    "id" UUID NOT NULL,
    "client_id" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "schema_version" TEXT,
    "path" TEXT NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "tables" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "client_backups_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "operation_jobs_created_at_id_idx" ON "operation_jobs"("created_at", "id");

-- CreateIndex
CREATE INDEX "operation_jobs_client_id_created_at_idx" ON "operation_jobs"("client_id", "created_at");

-- CreateIndex
CREATE INDEX "client_backups_client_id_created_at_idx" ON "client_backups"("client_id", "created_at");

-- CreateIndex
CREATE INDEX "client_backups_expires_at_idx" ON "client_backups"("expires_at");

-- At most one queued or running operation per client: the second one's insert fails (JOB_CONFLICT), atomically across instances.
CREATE UNIQUE INDEX "operation_jobs_one_open_per_client" ON "operation_jobs"("client_id") WHERE "client_id" IS NOT NULL AND "status" IN ('queued', 'running');
ALTER TABLE "operation_jobs" ADD CONSTRAINT "operation_jobs_status_check" CHECK ("status" IN ('queued', 'running', 'succeeded', 'failed'));
ALTER TABLE "client_backups" ADD CONSTRAINT "client_backups_reason_check" CHECK ("reason" IN ('manual', 'delete'));
