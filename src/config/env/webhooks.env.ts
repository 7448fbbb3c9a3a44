import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { bool, int } from './transforms.js';
import { OperationsEnv } from './operations.env.js';

/** Webhooks: delivery, address policy and quota. */
export class WebhooksEnv extends OperationsEnv {
  /**
   * Whether this instance delivers webhook events. Off, it still records them
   * (in the change's transaction) for the instances that deliver.
   */
  @IsOptional()
  @bool()
  @IsBoolean()
  WEBHOOKS_DISPATCH = true;

  /**
   * Allow webhook URLs that resolve to loopback, private, link-local or
   * unique-local addresses (refused by default, at creation and again at
   * every delivery, against SSRF). For development and tests only.
   */
  @IsOptional()
  @bool()
  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE = false;

  /** Webhook endpoints per client (409 QUOTA_EXCEEDED past it). */
  @IsOptional()
  @int()
  @IsInt()
  @Min(1)
  QUOTA_WEBHOOKS = 20;

  /**
   * Seconds between sweeps that flag every client with an active endpoint for
   * a dispatcher visit (a safety net for a signal lost in a crash; normal
   * delivery is signalled at once).
   */
  @IsOptional()
  @int()
  @IsInt()
  @Min(5)
  @Max(86400)
  WEBHOOK_SWEEP_SECONDS = 300;

  /**
   * Days a finished delivery (succeeded or failed) and its event are kept for
   * the delivery log and redelivery; older ones are deleted by the
   * dispatcher. Pending deliveries are never deleted.
   */
  @IsOptional()
  @int()
  @IsInt()
  @Min(1)
  @Max(3650)
  WEBHOOK_RETENTION_DAYS = 30;
}
