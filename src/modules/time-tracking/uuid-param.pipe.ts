import type { PipeTransform } from '@nestjs/common';
import { NotFoundError } from '../../common/errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in paths: something that is not a UUID names no resource, so 404 (not 400, and never a database error). */
export class UuidParamPipe implements PipeTransform<string, string> {
  constructor(private readonly what = 'Resource') {}

  transform(value: string): string {
    if (typeof value !== 'string' || !UUID.test(value)) throw new NotFoundError(this.what);
    return value.toLowerCase();
  }
}
