import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/dto/error-response.dto.js';
import { NoBody } from '../../common/no-body.js';
import { PaginationQueryDto } from '../../common/pagination.js';
import { UuidParamPipe } from '../../common/uuid-param.pipe.js';
import { RequireCapabilities, TenantScoped } from '../auth/index.js';
import { type Actor, CurrentActor } from '../time-tracking/index.js';
import {
  CreatedWebhookDto,
  CreateWebhookDto,
  toWebhookDeliveryDto,
  toWebhookDto,
  UpdateWebhookDto,
  WebhookDeliveryDto,
  WebhookDeliveryPageDto,
  WebhookDto,
  WebhookPageDto,
} from './dto/webhook.dto.js';
import { WebhooksService } from './webhooks.service.js';

const NOT_FOUND = { description: "No such webhook in the caller's client (NOT_FOUND)", type: ErrorResponseDto };

const DELIVERY_DOC =
  'Each request is a POST of `{id, type, createdAt, clientId, data}` (`data`: the resource as the REST routes answer it; for a deletion, as it was), ' +
  'signed as Standard Webhooks do, with the headers `webhook-id` (the event id, the same on every attempt and redelivery), ' +
  '`webhook-timestamp` (Unix seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed with the secret\'s bytes). ' +
  'Delivery is at least once: any answer other than 2xx (redirects are not followed) or none within 10 s is retried with exponential backoff ' +
  'and jitter for at least 24 hours; an endpoint failing for 3 days is set `active: false`.';

@ApiTags('webhooks')
@TenantScoped()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @RequireCapabilities('webhooks:manage')
  @ApiOperation({
    summary: 'Create a webhook',
    description:
      'Events of the listed types are recorded in the same transaction as the change that causes them (REST, the chat or a timer) and sent to `url`. ' +
      DELIVERY_DOC +
      ' The signing secret is in this answer only. At most QUOTA_WEBHOOKS (default 20) per client (409 QUOTA_EXCEEDED).',
  })
  @ApiCreatedResponse({ type: CreatedWebhookDto, description: 'The new webhook, with its signing secret shown this once' })
  @ApiConflictResponse({ description: 'QUOTA_EXCEEDED: the client holds as many webhooks as its quota allows', type: ErrorResponseDto })
  async create(@CurrentActor() actor: Actor, @Body() body: CreateWebhookDto): Promise<CreatedWebhookDto> {
    const { endpoint, secret } = await this.webhooks.create(actor, body);
    return { ...toWebhookDto(endpoint), secret };
  }

  @Get()
  @RequireCapabilities('webhooks:manage')
  @ApiOperation({ summary: "List the client's webhooks", description: 'Oldest first; never the secret.' })
  @ApiOkResponse({ type: WebhookPageDto, description: 'A page of webhooks' })
  async list(@CurrentActor() actor: Actor, @Query() query: PaginationQueryDto): Promise<WebhookPageDto> {
    const page = await this.webhooks.list(actor, query);
    return { data: page.data.map(toWebhookDto), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @RequireCapabilities('webhooks:manage')
  @ApiOperation({ summary: 'Get a webhook', description: 'Never the secret.' })
  @ApiOkResponse({ type: WebhookDto, description: 'The webhook' })
  @ApiNotFoundResponse(NOT_FOUND)
  async get(@CurrentActor() actor: Actor, @Param('id', new UuidParamPipe('Webhook')) id: string): Promise<WebhookDto> {
    return toWebhookDto(await this.webhooks.get(actor, id));
  }

  @Patch(':id')
  @RequireCapabilities('webhooks:manage')
  @ApiOperation({
    summary: 'Change a webhook',
    description:
      'Change its URL (checked like at creation), events, description, or pause and resume it with `active`. The secret stays the same.',
  })
  @ApiOkResponse({ type: WebhookDto, description: 'The changed webhook' })
  @ApiNotFoundResponse(NOT_FOUND)
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Webhook')) id: string,
    @Body() body: UpdateWebhookDto,
  ): Promise<WebhookDto> {
    return toWebhookDto(await this.webhooks.update(actor, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireCapabilities('webhooks:manage')
  @ApiOperation({ summary: 'Delete a webhook', description: 'With its delivery log; nothing more is sent to it.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(NOT_FOUND)
  async delete(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Webhook')) id: string,
    @NoBody() _body: undefined,
  ): Promise<void> {
    await this.webhooks.delete(actor, id);
  }

  @Post(':id/ping')
  @HttpCode(202)
  @RequireCapabilities('webhooks:manage')
  @ApiOperation({
    summary: 'Send a ping event',
    description:
      'Records a `ping` event for this webhook (whatever it subscribes to) and sends it at once; `data` is `{webhookId, url, events}`. ' +
      '202 with the delivery; follow it in the delivery log. An inactive webhook is 400.',
  })
  @ApiAcceptedResponse({ type: WebhookDeliveryDto, description: 'The ping, queued for delivery' })
  @ApiNotFoundResponse(NOT_FOUND)
  async ping(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Webhook')) id: string,
    @NoBody() _body: undefined,
  ): Promise<WebhookDeliveryDto> {
    return toWebhookDeliveryDto(await this.webhooks.ping(actor, id));
  }

  @Get(':id/deliveries')
  @RequireCapabilities('webhooks:manage')
  @ApiOperation({
    summary: "A webhook's delivery log",
    description:
      'Newest first: one delivery per event sent to this webhook (and one per redelivery), with its attempts. ' +
      '`status` is `failed` only once no attempt is left (`nextAttemptAt: null`).',
  })
  @ApiOkResponse({ type: WebhookDeliveryPageDto, description: 'A page of deliveries' })
  @ApiNotFoundResponse(NOT_FOUND)
  async deliveries(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Webhook')) id: string,
    @Query() query: PaginationQueryDto,
  ): Promise<WebhookDeliveryPageDto> {
    const page = await this.webhooks.deliveries(actor, id, query);
    return { data: page.data.map(toWebhookDeliveryDto), nextCursor: page.nextCursor };
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @RequireCapabilities('webhooks:manage')
  @ApiOperation({
    summary: 'Send an event again',
    description:
      'A new delivery of the same event (same `webhook-id` and body) to this webhook, sent at once with a fresh retry schedule; ' +
      '202 with the new delivery. An inactive webhook is 400.',
  })
  @ApiAcceptedResponse({ type: WebhookDeliveryDto, description: 'The new delivery, queued' })
  @ApiNotFoundResponse({ description: 'No such webhook, or no such delivery of it (NOT_FOUND)', type: ErrorResponseDto })
  async redeliver(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Webhook')) id: string,
    @Param('deliveryId', new UuidParamPipe('Delivery')) deliveryId: string,
    @NoBody() _body: undefined,
  ): Promise<WebhookDeliveryDto> {
    return toWebhookDeliveryDto(await this.webhooks.redeliver(actor, id, deliveryId));
  }
}
