import type { PipeTransform } from '@nestjs/common';
import { NotFoundError } from '../../common/errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id in a path that is not a UUID names nothing: 404 NOT_FOUND, like an unknown id. */
export class IdParamPipe implements PipeTransform<string, string> {
  constructor(private readonly what = 'Resource') {}

  transform(value: string): string {
    if (typeof value !== 'string' || !UUID.test(value)) throw new NotFoundError(this.what);
    return value.toLowerCase();
  }
}
