-- Webhooks, main-database side: which clients have an active endpoint (so a
-- write of theirs is worth a signal) and which have deliveries waiting (the
-- only tenant databases the dispatcher visits). No foreign key to clients: a
-- row of a deleted client is dropped by the dispatcher when it finds the
-- client gone. See src/modules/webhooks/README.md.

-- CreateTable
CREATE TABLE "webhook_tenants" (
    "client_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_tenants_pkey" PRIMARY KEY ("client_id")
);

-- CreateTable
CREATE TABLE "webhook_pending" (
    "client_id" UUID NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" BIGINT NOT NULL DEFAULT 0,
    "leased_until" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_pending_pkey" PRIMARY KEY ("client_id")
);

-- CreateIndex
CREATE INDEX "webhook_pending_due_at_idx" ON "webhook_pending"("due_at");

-- The new capability, held by the system roles that hold every client capability.
INSERT INTO "role_capabilities" ("role_id", "capability")
SELECT r."id", 'webhooks:manage' FROM "roles" r WHERE r."key" IN ('platform-admin', 'client-admin')
ON CONFLICT DO NOTHING;
