import { Injectable } from '@nestjs/common';

/** The current time, injectable so tests can pin it. */
@Injectable()
export class Clock {
  private fixed: Date | null = null;

  now(): Date {
    return this.fixed ? new Date(this.fixed) : new Date();
  }

  /** Tests only: pin the clock (null to release). */
  set(date: Date | null): void {
    this.fixed = date;
  }
}
