import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from './config/config.js';
import { AppConfigService } from './config/config.service.js';
import { DatabaseModule } from './database/database.module.js';
import { AuthCoreModule } from './modules/auth/auth-core.module.js';
import { HealthController } from './modules/health/health.controller.js';
import { MetricsModule } from './modules/metrics/metrics.module.js';
import { LimitsModule } from './modules/limits/limits.module.js';
import { RequestContext } from './common/request-context.js';
import { contextLogFields } from './common/request-log.js';
import { FEATURE_MODULES } from './feature-modules.js';
import { Clock } from './common/clock.js';
import { BenchModule } from './modules/bench/bench.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          // No per-request middleware (src/common/request-log.ts): request fields come from `mixin`,
          // and the line per request from an onResponse hook (app.factory.ts).
          forRoutes: [],
          pinoHttp: {
            level: config.LOG_LEVEL,
            mixin: () => contextLogFields(RequestContext.current()),
            // Never log credentials: tokens, cookies, passwords.
            redact: {
              paths: [
                'req.headers.authorization',
                'req.headers.cookie',
                'res.headers["set-cookie"]',
                '*.password',
                '*.refreshToken',
                '*.accessToken',
              ],
              censor: '[redacted]',
            },
          },
        }),
        DatabaseModule,
        AuthCoreModule,
        MetricsModule,
        LimitsModule,
        ...FEATURE_MODULES,
        ...(config.BENCH_ROUTES && config.NODE_ENV !== 'production' ? [BenchModule] : []),
      ],
      controllers: [HealthController],
      providers: [{ provide: AppConfigService, useValue: new AppConfigService(config) }, Clock],
      exports: [AppConfigService, Clock],
    };
  }
}
