import type { PipeTransform } from '@nestjs/common';
import { NotFoundError } from './errors.js';
import { isUuid } from './uuid.js';

/** Ids in paths: something that is not a UUID names no resource, so 404 (not 400, and never a database error). */
export class UuidParamPipe implements PipeTransform<string, string> {
  constructor(private readonly what = 'Resource') {}

  transform(value: string): string {
    if (!isUuid(value)) throw new NotFoundError(this.what);
    return value.toLowerCase();
  }
}
