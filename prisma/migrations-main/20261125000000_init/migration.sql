-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "database_servers" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "database_servers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "clients" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'provisioning',
    "database_name" TEXT NOT NULL,
    "database_server" TEXT NOT NULL,
    "database_role" TEXT NOT NULL,
    "database_password_enc" TEXT NOT NULL,
    "schema_version" TEXT,
    "last_migration_error" TEXT,
    "last_migrated_at" TIMESTAMPTZ(3),
    "provisioning_step" TEXT,
    "provisioning_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "clients_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "client_id" UUID,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "time_zone" TEXT NOT NULL DEFAULT 'UTC',
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "two_factor_enabled" BOOLEAN NOT NULL DEFAULT false,
    "two_factor_secret_enc" TEXT,
    "two_factor_pending_enc" TEXT,
    "two_factor_last_step" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "roles" (
    "id" UUID NOT NULL,
    "client_id" UUID,
    "key" TEXT,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "is_system" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "roles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "role_capabilities" (
    "role_id" UUID NOT NULL,
    "capability" TEXT NOT NULL,

    CONSTRAINT "role_capabilities_pkey" PRIMARY KEY ("role_id","capability")
);

-- CreateTable
CREATE TABLE "user_roles" (
    "user_id" UUID NOT NULL,
    "role_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_roles_pkey" PRIMARY KEY ("user_id","role_id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_reason" TEXT,
    "user_agent" TEXT,
    "ip" TEXT,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "refresh_tokens" (
    "id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "refresh_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backup_codes" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "code_hash" TEXT NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "backup_codes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "auth_throttle" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "window_start" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "locked_until" TIMESTAMPTZ(3),

    CONSTRAINT "auth_throttle_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "impersonation_sessions" (
    "id" UUID NOT NULL,
    "impersonator_id" UUID NOT NULL,
    "target_user_id" UUID NOT NULL,
    "client_id" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "allow_writes" BOOLEAN NOT NULL DEFAULT false,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "ended_reason" TEXT,

    CONSTRAINT "impersonation_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "impersonation_requests" (
    "id" BIGSERIAL NOT NULL,
    "session_id" UUID NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "impersonation_requests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "database_servers_name_key" ON "database_servers"("name");

-- CreateIndex
CREATE UNIQUE INDEX "clients_slug_key" ON "clients"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "clients_database_name_key" ON "clients"("database_name");

-- CreateIndex
CREATE INDEX "clients_status_idx" ON "clients"("status");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "users_client_id_idx" ON "users"("client_id");

-- CreateIndex
CREATE UNIQUE INDEX "roles_key_key" ON "roles"("key");

-- CreateIndex
CREATE INDEX "roles_client_id_idx" ON "roles"("client_id");

-- CreateIndex
CREATE INDEX "user_roles_role_id_idx" ON "user_roles"("role_id");

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "refresh_tokens_token_hash_key" ON "refresh_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "refresh_tokens_session_id_idx" ON "refresh_tokens"("session_id");

-- CreateIndex
CREATE INDEX "backup_codes_user_id_idx" ON "backup_codes"("user_id");

-- CreateIndex
CREATE INDEX "impersonation_sessions_impersonator_id_idx" ON "impersonation_sessions"("impersonator_id");

-- CreateIndex
CREATE INDEX "impersonation_sessions_target_user_id_idx" ON "impersonation_sessions"("target_user_id");

-- CreateIndex
CREATE INDEX "impersonation_sessions_client_id_idx" ON "impersonation_sessions"("client_id");

-- CreateIndex
CREATE INDEX "impersonation_requests_session_id_at_idx" ON "impersonation_requests"("session_id", "at");

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_client_id_fkey" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "roles" ADD CONSTRAINT "roles_client_id_fkey" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "role_capabilities" ADD CONSTRAINT "role_capabilities_role_id_fkey" FOREIGN KEY ("role_id") REFERENCES "roles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_roles" ADD CONSTRAINT "user_roles_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_roles" ADD CONSTRAINT "user_roles_role_id_fkey" FOREIGN KEY ("role_id") REFERENCES "roles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_codes" ADD CONSTRAINT "backup_codes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "impersonation_requests" ADD CONSTRAINT "impersonation_requests_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "impersonation_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- ---------------------------------------------------------------------------
-- Invariants Prisma's schema language cannot express.
-- ---------------------------------------------------------------------------
ALTER TABLE "clients" ADD CONSTRAINT "clients_status_check"
  CHECK ("status" IN ('provisioning', 'active', 'suspended', 'failed', 'deleted'));
ALTER TABLE "clients" ADD CONSTRAINT "clients_slug_check"
  CHECK ("slug" ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$');
-- E-mail is unique case-insensitively: it is always stored lower-cased.
ALTER TABLE "users" ADD CONSTRAINT "users_email_lower_check" CHECK ("email" = lower("email"));
-- Role names are unique per client (system roles share the NULL client).
CREATE UNIQUE INDEX "roles_client_name_key"
  ON "roles" (COALESCE("client_id", '00000000-0000-0000-0000-000000000000'::uuid), lower("name"));
-- Impersonation never lasts longer than an hour.
ALTER TABLE "impersonation_sessions" ADD CONSTRAINT "impersonation_sessions_max_length_check"
  CHECK ("expires_at" > "started_at" AND "expires_at" <= "started_at" + interval '60 minutes');

-- ---------------------------------------------------------------------------
-- System roles (read-only through the API).
-- ---------------------------------------------------------------------------
INSERT INTO "roles" ("id", "key", "name", "description", "is_system", "updated_at") VALUES
  (gen_random_uuid(), 'platform-admin', 'platform-admin', 'Operates the platform: every capability.', true, now()),
  (gen_random_uuid(), 'client-admin', 'client-admin', 'Administers one client: every client capability.', true, now()),
  (gen_random_uuid(), 'manager', 'manager', 'Projects, tasks, everyone''s time entries and reports of the client.', true, now()),
  (gen_random_uuid(), 'member', 'member', 'Tracks own time on the projects they belong to.', true, now());

INSERT INTO "role_capabilities" ("role_id", "capability")
SELECT r."id", c.cap
FROM "roles" r
JOIN (VALUES
  ('platform-admin', 'clients:manage'), ('platform-admin', 'clients:read'),
  ('platform-admin', 'users:read'), ('platform-admin', 'users:manage'),
  ('platform-admin', 'roles:read'), ('platform-admin', 'roles:manage'), ('platform-admin', 'roles:assign'),
  ('platform-admin', 'impersonation:start'),
  ('platform-admin', 'projects:read'), ('platform-admin', 'projects:manage'),
  ('platform-admin', 'tasks:read'), ('platform-admin', 'tasks:manage'),
  ('platform-admin', 'time-entries:read:own'), ('platform-admin', 'time-entries:write:own'),
  ('platform-admin', 'time-entries:read:all'), ('platform-admin', 'time-entries:write:all'),
  ('platform-admin', 'reports:read:own'), ('platform-admin', 'reports:read:all'),
  ('platform-admin', 'chat:use'),
  ('client-admin', 'users:read'), ('client-admin', 'users:manage'),
  ('client-admin', 'roles:read'), ('client-admin', 'roles:manage'), ('client-admin', 'roles:assign'),
  ('client-admin', 'impersonation:start'),
  ('client-admin', 'projects:read'), ('client-admin', 'projects:manage'),
  ('client-admin', 'tasks:read'), ('client-admin', 'tasks:manage'),
  ('client-admin', 'time-entries:read:own'), ('client-admin', 'time-entries:write:own'),
  ('client-admin', 'time-entries:read:all'), ('client-admin', 'time-entries:write:all'),
  ('client-admin', 'reports:read:own'), ('client-admin', 'reports:read:all'),
  ('client-admin', 'chat:use'),
  ('manager', 'users:read'),
  ('manager', 'projects:read'), ('manager', 'projects:manage'),
  ('manager', 'tasks:read'), ('manager', 'tasks:manage'),
  ('manager', 'time-entries:read:own'), ('manager', 'time-entries:write:own'),
  ('manager', 'time-entries:read:all'), ('manager', 'time-entries:write:all'),
  ('manager', 'reports:read:own'), ('manager', 'reports:read:all'),
  ('manager', 'chat:use'),
  ('member', 'time-entries:read:own'), ('member', 'time-entries:write:own'),
  ('member', 'reports:read:own'), ('member', 'projects:read'), ('member', 'tasks:read'),
  ('member', 'chat:use')
) AS c(role_key, cap) ON c.role_key = r."key";
