import { Module } from '@nestjs/common';
import { TimeTrackingModule } from '../time-tracking/time-tracking.module.js';

/** Conversations and the time-tracking assistant (tenant-scoped). */
@Module({
  imports: [TimeTrackingModule],
  controllers: [],
  providers: [],
})
export class ChatModule {}
