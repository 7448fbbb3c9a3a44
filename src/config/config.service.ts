import { Injectable } from '@nestjs/common';
import type { AppConfig } from './config.js';

/** The validated configuration, injectable. Built once in main.ts / cli.ts / tests. */
@Injectable()
export class AppConfigService {
  constructor(readonly values: AppConfig) {}

  get<K extends keyof AppConfig>(key: K): AppConfig[K] {
    return this.values[key];
  }
}
