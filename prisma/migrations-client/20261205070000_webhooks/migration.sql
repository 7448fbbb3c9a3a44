-- Webhooks: endpoints, the transactional outbox (events) and one delivery per
-- (event, subscribed endpoint). See src/modules/webhooks/README.md.

-- CreateTable
CREATE TABLE "webhook_endpoints" (
    "id" UUID NOT NULL,
    "url" VARCHAR(2048) NOT NULL,
    "description" VARCHAR(500),
    "events" TEXT[],
    "secret_sealed" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "failing_since" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_events" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "resource_id" UUID,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "event_id" UUID NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "resource_id" UUID,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "response_status" INTEGER,
    "last_error" TEXT,
    "last_attempt_at" TIMESTAMPTZ(3),
    "next_attempt_at" TIMESTAMPTZ(3) DEFAULT CURRENT_TIMESTAMP,
    "locked_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "webhook_endpoints_created_at_id_idx" ON "webhook_endpoints"("created_at", "id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_endpoint_id_seq_idx" ON "webhook_deliveries"("endpoint_id", "seq");

-- No foreign keys from deliveries, and as few indexes as the queries need, on
-- purpose: the trigger writes these rows inside every write of a client with
-- webhooks (bench/webhooks.bench.ts measures the cost). A foreign key check
-- takes a KEY SHARE lock on the parent row for every delivery (on the
-- endpoint row: shared by all concurrent writes of the client, multixacts).
-- Deleting an endpoint deletes its deliveries in the same transaction
-- (WebhooksRepository.delete); events are never deleted on their own.

-- Invariants the API holds, held by the database too.
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_status" CHECK ("status" IN ('pending', 'succeeded', 'failed'));
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_failed_is_final" CHECK ("status" = 'pending' OR "next_attempt_at" IS NULL);
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_pending_is_due" CHECK ("status" <> 'pending' OR "next_attempt_at" IS NOT NULL);

-- The dispatcher's claim scans pending deliveries only (few: they go within
-- seconds), and sends one only when no earlier pending delivery of the same
-- endpoint and resource is waiting (order per resource): one partial index
-- serves both.
CREATE INDEX "webhook_deliveries_pending_resource_idx" ON "webhook_deliveries"("endpoint_id", "resource_id", "seq") WHERE "status" = 'pending';

-- The transactional outbox: a row change of time_entries or projects writes
-- its event (and one delivery per active endpoint subscribed to its type) in
-- the same transaction, whatever made the change (REST, the chat, a timer, a
-- script). Nothing is written while no active endpoint subscribes, so a client
-- without webhooks pays one index-free probe of an empty table. Restores run
-- with session_replication_role = replica, where triggers do not fire.
CREATE FUNCTION "webhook_capture"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  evt_type text;
  row_data jsonb;
  rid uuid;
BEGIN
  IF TG_TABLE_NAME = 'time_entries' THEN
    IF TG_OP = 'INSERT' THEN
      evt_type := CASE WHEN NEW."start_time" IS NOT NULL AND NEW."end_time" IS NULL THEN 'timer.started' ELSE 'time_entry.created' END;
    ELSIF TG_OP = 'UPDATE' THEN
      evt_type := CASE WHEN OLD."start_time" IS NOT NULL AND OLD."end_time" IS NULL AND NEW."end_time" IS NOT NULL
                       THEN 'timer.stopped' ELSE 'time_entry.updated' END;
    ELSE
      evt_type := 'time_entry.deleted';
    END IF;
  ELSIF TG_TABLE_NAME = 'projects' THEN
    IF TG_OP = 'INSERT' THEN
      evt_type := 'project.created';
    ELSIF TG_OP = 'UPDATE' THEN
      evt_type := CASE WHEN NEW."archived" AND NOT OLD."archived" THEN 'project.archived' ELSE 'project.updated' END;
    ELSE
      RETURN NULL;
    END IF;
  ELSE
    RETURN NULL;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM "webhook_endpoints" WHERE "active" AND evt_type = ANY("events")) THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    row_data := to_jsonb(OLD);
    rid := OLD."id";
  ELSE
    row_data := to_jsonb(NEW);
    rid := NEW."id";
  END IF;
  WITH ev AS (
    INSERT INTO "webhook_events" ("id", "type", "resource_id", "data")
    VALUES (gen_random_uuid(), evt_type, rid, row_data)
    RETURNING "id")
  INSERT INTO "webhook_deliveries" ("id", "event_id", "endpoint_id", "resource_id")
    SELECT gen_random_uuid(), ev."id", e."id", rid
      FROM ev, "webhook_endpoints" e
     WHERE e."active" AND evt_type = ANY(e."events");
  RETURN NULL;
END;
$$;

CREATE TRIGGER "webhook_capture"
  AFTER INSERT OR UPDATE OR DELETE ON "time_entries"
  FOR EACH ROW EXECUTE FUNCTION "webhook_capture"();

CREATE TRIGGER "webhook_capture"
  AFTER INSERT OR UPDATE ON "projects"
  FOR EACH ROW EXECUTE FUNCTION "webhook_capture"();
