-- A client in maintenance is read-only: its users' reads are served, every
-- other request answers 503 CLIENT_MAINTENANCE (set by an operator, or by a
-- move or restore while it copies).
ALTER TABLE "clients" DROP CONSTRAINT "clients_status_check";
ALTER TABLE "clients" ADD CONSTRAINT "clients_status_check"
  CHECK ("status" IN ('provisioning', 'active', 'suspended', 'maintenance', 'failed', 'deleted'));
