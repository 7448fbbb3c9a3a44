import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, RequireCapabilities, TenantScoped } from '../auth/decorators.js';
import type { AuthContext } from '../auth/auth-context.js';
import { actorFrom } from '../time-tracking/actor.js';
import { UuidParamPipe } from '../../common/uuid-param.pipe.js';
import { PaginationQueryDto } from '../../common/pagination.js';
import { ErrorResponseDto } from '../../common/dto/error-response.dto.js';
import { ChatService } from './chat.service.js';
import {
  ConversationDto,
  ConversationPageDto,
  CreateConversationDto,
  MessagePageDto,
  PostMessageDto,
  PostMessageResponseDto,
} from './dto/chat.dto.js';
import { NoBody } from '../../common/no-body.js';

@ApiTags('chat')
@TenantScoped()
@RequireCapabilities('chat:use')
@ApiNotFoundResponse({ description: 'No such conversation of the caller (NOT_FOUND)', type: ErrorResponseDto })
@Controller('conversations')
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  @Post()
  @ApiOperation({ summary: 'Start a conversation' })
  @ApiCreatedResponse({ type: ConversationDto })
  create(@Auth() auth: AuthContext, @Body() body: CreateConversationDto): Promise<ConversationDto> {
    return this.chat.create(actorFrom(auth), body.title);
  }

  @Get()
  @ApiOperation({ summary: "The caller's own conversations, newest first" })
  @ApiOkResponse({ type: ConversationPageDto })
  list(@Auth() auth: AuthContext, @Query() q: PaginationQueryDto): Promise<ConversationPageDto> {
    return this.chat.list(actorFrom(auth), q.limit, q.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of the caller’s conversations' })
  @ApiOkResponse({ type: ConversationDto })
  get(@Auth() auth: AuthContext, @Param('id', new UuidParamPipe('Conversation')) id: string): Promise<ConversationDto> {
    return this.chat.get(actorFrom(auth), id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a conversation and its messages' })
  @ApiNoContentResponse()
  async delete(
    @Auth() auth: AuthContext,
    @Param('id', new UuidParamPipe('Conversation')) id: string,
    @NoBody() _body: undefined,
  ): Promise<void> {
    await this.chat.delete(actorFrom(auth), id);
  }

  @Get(':id/messages')
  @ApiOperation({ summary: 'Messages of a conversation, oldest first (paginated)' })
  @ApiOkResponse({ type: MessagePageDto })
  messages(
    @Auth() auth: AuthContext,
    @Param('id', new UuidParamPipe('Conversation')) id: string,
    @Query() q: PaginationQueryDto,
  ): Promise<MessagePageDto> {
    return this.chat.messages(actorFrom(auth), id, q.limit, q.cursor);
  }

  @Post(':id/messages')
  @ApiOperation({
    summary: 'Send a message; the assistant answers and acts as the caller',
    description:
      'Understands logging time (durations, clock ranges, relative days), timers and questions about hours, in the caller’s time zone. ' +
      'It asks (a `clarification` action, nothing changed) when no or several projects match, the project is unknown, the duration is ' +
      'zero, negative or over 24 h, the time lies in the future, the entry would overlap, a timer already runs, or none runs to stop.',
  })
  @ApiCreatedResponse({ type: PostMessageResponseDto })
  post(
    @Auth() auth: AuthContext,
    @Param('id', new UuidParamPipe('Conversation')) id: string,
    @Body() body: PostMessageDto,
  ): Promise<PostMessageResponseDto> {
    return this.chat.post(actorFrom(auth), id, body.content);
  }
}
