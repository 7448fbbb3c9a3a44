import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';
import { OptionalNotNull } from '../../../common/validators.js';
import { WEBHOOK_EVENT_TYPES } from '../webhook-events.js';
import type { WebhookDeliveryRecord, WebhookEndpointRecord } from '../webhooks.repository.js';

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

const URL_DOC =
  'Where events are POSTed: an absolute http or https URL without user info, at most 2048 characters. ' +
  'A URL whose host resolves to a loopback, private, link-local, unique-local or otherwise reserved address ' +
  '(127.0.0.0/8, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 169.254.0.0/16, 0.0.0.0, ::1, fc00::/7, fe80::/10, …) is refused ' +
  'with 400 VALIDATION_FAILED (field `url`) unless the server runs with WEBHOOK_ALLOW_PRIVATE=true; the address is checked again at every delivery.';

const EVENTS_DOC =
  'The event types to receive (at least one, no repeats). `ping` is sent to one endpoint on request (POST /webhooks/{id}/ping) whatever it subscribes to.';

export class CreateWebhookDto {
  @ApiProperty({ maxLength: 2048, example: 'https://hooks.example.com/freetimechat', description: URL_DOC })
  @trim()
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  url: string;

  @ApiProperty({
    type: [String],
    enum: WEBHOOK_EVENT_TYPES,
    minItems: 1,
    maxItems: WEBHOOK_EVENT_TYPES.length,
    uniqueItems: true,
    example: ['time_entry.created', 'timer.started', 'timer.stopped'],
    description: EVENTS_DOC,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true, message: `each value in events must be one of: ${WEBHOOK_EVENT_TYPES.join(', ')}` })
  events: string[];

  @ApiPropertyOptional({ type: String, maxLength: 500, nullable: true, example: 'Payroll sync' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional({ maxLength: 2048, example: 'https://hooks.example.com/freetimechat', description: URL_DOC })
  @OptionalNotNull()
  @trim()
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({
    type: [String],
    enum: WEBHOOK_EVENT_TYPES,
    minItems: 1,
    maxItems: WEBHOOK_EVENT_TYPES.length,
    uniqueItems: true,
    example: ['project.created', 'project.archived'],
    description: EVENTS_DOC,
  })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true, message: `each value in events must be one of: ${WEBHOOK_EVENT_TYPES.join(', ')}` })
  events?: string[];

  @ApiPropertyOptional({
    example: false,
    description:
      '`false` pauses the endpoint: nothing more is recorded or sent for it, and its pending deliveries end as `failed` (they can be redelivered). ' +
      '`true` resumes it (new events only). The service sets it `false` itself after 3 days of failed attempts.',
  })
  @OptionalNotNull()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ type: String, maxLength: 500, nullable: true, example: 'Payroll sync' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'https://hooks.example.com/freetimechat' })
  url: string;

  @ApiProperty({ type: [String], enum: WEBHOOK_EVENT_TYPES, example: ['time_entry.created', 'timer.started', 'timer.stopped'] })
  events: string[];

  @ApiProperty({ type: String, nullable: true, example: 'Payroll sync' })
  description: string | null;

  @ApiProperty({ description: 'Whether events are recorded and sent for it' })
  active: boolean;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: string;
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description:
      'The signing secret, in this answer only (stored encrypted): `whsec_` and the base64 of 32 random bytes; the HMAC key is those bytes. ' +
      'Verify each request as Standard Webhooks do: `webhook-signature` holds `v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">`.',
  })
  secret: string;
}

export class WebhookPageDto {
  @ApiProperty({ type: [WebhookDto] })
  data: WebhookDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last page' })
  nextCursor: string | null;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({
    format: 'uuid',
    description: 'The event: sent as `webhook-id` and as `id` in the body, the same on every attempt and redelivery',
  })
  eventId: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, example: 'time_entry.created' })
  type: string;

  @ApiProperty({
    enum: ['pending', 'succeeded', 'failed'],
    description: '`pending` while attempts are left, `succeeded` after a 2xx, `failed` once no attempt is left (`nextAttemptAt: null`)',
  })
  status: 'pending' | 'succeeded' | 'failed';

  @ApiProperty({ example: 1, description: 'Attempts made so far' })
  attempts: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 200,
    description: "The receiver's HTTP status at the last attempt; null when none came (timeout, network error, refused address)",
  })
  responseStatus: number | null;

  @ApiProperty({ type: String, nullable: true, example: 'HTTP 500', description: 'Why the last attempt failed; null after a success' })
  lastError: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastAttemptAt: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the next attempt is due; null when none will be made',
  })
  nextAttemptAt: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
}

export class WebhookDeliveryPageDto {
  @ApiProperty({ type: [WebhookDeliveryDto] })
  data: WebhookDeliveryDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last page' })
  nextCursor: string | null;
}

export function toWebhookDto(e: WebhookEndpointRecord): WebhookDto {
  return {
    id: e.id,
    url: e.url,
    events: e.events,
    description: e.description,
    active: e.active,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

export function toWebhookDeliveryDto(d: WebhookDeliveryRecord): WebhookDeliveryDto {
  return {
    id: d.id,
    eventId: d.eventId,
    type: d.type,
    status: d.status,
    attempts: d.attempts,
    responseStatus: d.responseStatus,
    lastError: d.lastError,
    lastAttemptAt: d.lastAttemptAt ? d.lastAttemptAt.toISOString() : null,
    nextAttemptAt: d.nextAttemptAt ? d.nextAttemptAt.toISOString() : null,
    createdAt: d.createdAt.toISOString(),
  };
}
