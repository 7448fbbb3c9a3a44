import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireCapabilities, TenantScoped } from '../auth/index.js';
import { type Actor, CurrentActor } from '../time-tracking/index.js';
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

const NOT_FOUND = { description: 'No such conversation of the caller (NOT_FOUND)', type: ErrorResponseDto };

@ApiTags('chat')
@TenantScoped()
@RequireCapabilities('chat:use')
@Controller('conversations')
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  @Post()
  @ApiOperation({
    summary: 'Start a conversation',
    description: 'A conversation belongs to the caller alone; nobody else can read it, admins included.',
  })
  @ApiCreatedResponse({ type: ConversationDto, description: 'The new conversation' })
  create(@CurrentActor() actor: Actor, @Body() body: CreateConversationDto): Promise<ConversationDto> {
    return this.chat.create(actor, body.title);
  }

  @Get()
  @ApiOperation({
    summary: "The caller's own conversations, newest first",
    description: 'Only conversations the caller started; paginated.',
  })
  @ApiOkResponse({ type: ConversationPageDto, description: 'A page of conversations' })
  list(@CurrentActor() actor: Actor, @Query() q: PaginationQueryDto): Promise<ConversationPageDto> {
    return this.chat.list(actor, q.limit, q.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of the caller’s conversations', description: "Another user's conversation answers 404." })
  @ApiOkResponse({ type: ConversationDto, description: 'The conversation' })
  @ApiNotFoundResponse(NOT_FOUND)
  get(@CurrentActor() actor: Actor, @Param('id', new UuidParamPipe('Conversation')) id: string): Promise<ConversationDto> {
    return this.chat.get(actor, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a conversation and its messages',
    description: "Time entries the assistant logged stay. Another user's conversation answers 404.",
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(NOT_FOUND)
  async delete(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Conversation')) id: string,
    @NoBody() _body: undefined,
  ): Promise<void> {
    await this.chat.delete(actor, id);
  }

  @Get(':id/messages')
  @ApiOperation({
    summary: 'Messages of a conversation, oldest first (paginated)',
    description: "The caller's messages and the assistant's answers with the actions it took.",
  })
  @ApiOkResponse({ type: MessagePageDto, description: 'A page of messages' })
  @ApiNotFoundResponse(NOT_FOUND)
  messages(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Conversation')) id: string,
    @Query() q: PaginationQueryDto,
  ): Promise<MessagePageDto> {
    return this.chat.messages(actor, id, q.limit, q.cursor);
  }

  @Post(':id/messages')
  @ApiOperation({
    summary: 'Send a message; the assistant answers and acts as the caller',
    description:
      'Understands logging time (durations, clock ranges, relative days), timers and questions about hours, in the caller’s time zone. ' +
      'It asks (a `clarification` action, nothing changed) when no or several projects match, the project is unknown, the duration is ' +
      'zero, negative or over 24 h, the time lies in the future, the entry would overlap, a timer already runs, or none runs to stop.',
  })
  @ApiCreatedResponse({ type: PostMessageResponseDto, description: "The caller's message and the assistant's answer" })
  @ApiNotFoundResponse(NOT_FOUND)
  post(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Conversation')) id: string,
    @Body() body: PostMessageDto,
  ): Promise<PostMessageResponseDto> {
    return this.chat.post(actor, id, body.content);
  }
}
