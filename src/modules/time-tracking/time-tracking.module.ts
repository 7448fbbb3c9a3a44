import { Module } from '@nestjs/common';

/** Projects, members, tasks, time entries, timers and reports (tenant-scoped). */
@Module({
  controllers: [],
  providers: [],
  exports: [],
})
export class TimeTrackingModule {}
