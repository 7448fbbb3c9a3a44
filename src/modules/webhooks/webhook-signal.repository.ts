import { Injectable } from '@nestjs/common';
import { INVALIDATION_CHANNEL, WEBHOOKS_WAKE_KIND } from '../../database/invalidation.service.js';
import { MainPrismaService } from '../../database/main-prisma.service.js';

/**
 * Dispatchers are woken through the invalidation channel every instance
 * already listens on (no connection of their own): `{kind: "webhooks"}`.
 */
const WAKE_PAYLOAD = JSON.stringify({ kind: WEBHOOKS_WAKE_KIND });

/**
 * The main database's side of webhooks: which clients have an active endpoint
 * (`webhook_tenants`) and which have deliveries due (`webhook_pending`, the
 * only tenant databases the dispatcher visits). Both are hints that may only
 * err towards a visit too many: the tenant database is the truth.
 */
@Injectable()
export class WebhookSignalRepository {
  constructor(private readonly main: MainPrismaService) {}

  async setHasEndpoints(clientId: string, has: boolean): Promise<void> {
    if (has) {
      await this.main.$executeRaw`INSERT INTO "webhook_tenants" ("client_id") VALUES (${clientId}::uuid) ON CONFLICT DO NOTHING`;
    } else {
      await this.main.$executeRaw`DELETE FROM "webhook_tenants" WHERE "client_id" = ${clientId}::uuid`;
    }
  }

  /**
   * Flags the clients among `clientIds` that have an active endpoint as due
   * now (all of them when `force`), and wakes the dispatchers. One statement
   * for a batch of writes. A client already flagged due and not being
   * visited is left alone (no write, no NOTIFY): the next visit sees every
   * event committed before it claims. A client being visited gets its
   * `version` bumped, so the visit's release keeps it due.
   */
  async flag(clientIds: string[], force = false): Promise<number> {
    if (clientIds.length === 0) return 0;
    // One statement: the upsert, and the NOTIFY when it flagged anything (delivered at commit).
    const rows = force
      ? await this.main.$queryRaw<{ n: number }[]>`
          WITH up AS (
            INSERT INTO "webhook_pending" ("client_id", "due_at")
            SELECT unnest(${clientIds}::uuid[]), now()
            ON CONFLICT ("client_id") DO UPDATE
              SET "due_at" = LEAST("webhook_pending"."due_at", now()), "version" = "webhook_pending"."version" + 1
              WHERE "webhook_pending"."leased_until" IS NOT NULL OR "webhook_pending"."due_at" > now()
            RETURNING 1)
          , c AS (SELECT count(*)::int AS n FROM up)
          SELECT c.n, (SELECT count(*)::int FROM (SELECT pg_notify(${INVALIDATION_CHANNEL}, ${WAKE_PAYLOAD}) WHERE c.n > 0) z) AS notified FROM c`
      : await this.main.$queryRaw<{ n: number }[]>`
          WITH up AS (
            INSERT INTO "webhook_pending" ("client_id", "due_at")
            SELECT t."client_id", now() FROM "webhook_tenants" t WHERE t."client_id" = ANY(${clientIds}::uuid[])
            ON CONFLICT ("client_id") DO UPDATE
              SET "due_at" = LEAST("webhook_pending"."due_at", now()), "version" = "webhook_pending"."version" + 1
              WHERE "webhook_pending"."leased_until" IS NOT NULL OR "webhook_pending"."due_at" > now()
            RETURNING 1)
          , c AS (SELECT count(*)::int AS n FROM up)
          SELECT c.n, (SELECT count(*)::int FROM (SELECT pg_notify(${INVALIDATION_CHANNEL}, ${WAKE_PAYLOAD}) WHERE c.n > 0) z) AS notified FROM c`;
    return rows[0]?.n ?? 0;
  }

  /** The safety net: every client with an active endpoint is visited once (a signal lost in a crash is found). */
  async sweep(): Promise<number> {
    return this.main.$executeRaw`
      INSERT INTO "webhook_pending" ("client_id", "due_at")
      SELECT "client_id", now() FROM "webhook_tenants"
      ON CONFLICT ("client_id") DO UPDATE SET "due_at" = LEAST("webhook_pending"."due_at", now())`;
  }

  /** Leases up to `limit` due clients to this instance for `leaseSeconds` (another instance skips them meanwhile). */
  async leaseDue(limit: number, leaseSeconds: number): Promise<{ clientId: string; version: bigint }[]> {
    const rows = await this.main.$queryRaw<{ client_id: string; version: bigint }[]>`
      UPDATE "webhook_pending" p SET "leased_until" = now() + make_interval(secs => ${leaseSeconds})
       WHERE p."client_id" IN (
         SELECT "client_id" FROM "webhook_pending"
          WHERE "due_at" <= now() AND ("leased_until" IS NULL OR "leased_until" < now())
          ORDER BY "due_at" LIMIT ${limit}
          FOR UPDATE SKIP LOCKED)
      RETURNING p."client_id", p."version"`;
    return rows.map((r) => ({ clientId: r.client_id, version: r.version }));
  }

  /**
   * Ends a visit: the row goes when nothing is pending and no signal came
   * meanwhile (`version` unchanged); else it stays, due at `nextDue` (now
   * when a signal came during the visit).
   */
  async release(clientId: string, version: bigint, nextDue: Date | null): Promise<void> {
    if (nextDue === null) {
      const n = await this.main.$executeRaw`
        DELETE FROM "webhook_pending" WHERE "client_id" = ${clientId}::uuid AND "version" = ${version}`;
      if (n > 0) return;
    }
    await this.main.$executeRaw`
      UPDATE "webhook_pending"
         SET "leased_until" = NULL,
             "due_at" = CASE WHEN "version" <> ${version} OR ${nextDue}::timestamptz IS NULL THEN now()
                             ELSE ${nextDue}::timestamptz END
       WHERE "client_id" = ${clientId}::uuid`;
  }

  /**
   * Milliseconds until the earliest flagged client can be leased (due, and its
   * lease, if any, over), by the database's clock; null when none is flagged.
   */
  async msUntilNextDue(): Promise<number | null> {
    const rows = await this.main.$queryRaw<{ ms: number | null }[]>`
      SELECT (EXTRACT(EPOCH FROM min(GREATEST("due_at", COALESCE("leased_until", "due_at"))) - now()) * 1000)::float8 AS ms
        FROM "webhook_pending"`;
    return rows[0]?.ms ?? null;
  }

  /**
   * The client is deleted or unknown: nothing to visit now. Its
   * `webhook_tenants` row stays, so that a restored client's webhooks are
   * found again by the sweep.
   */
  async forget(clientId: string): Promise<void> {
    await this.main.$executeRaw`DELETE FROM "webhook_pending" WHERE "client_id" = ${clientId}::uuid`;
  }
}
