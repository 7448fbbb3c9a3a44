import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { AppConfig } from './config/config.js';
import { AppConfigService } from './config/config.service.js';
import { DatabaseModule } from './database/database.module.js';
import { AuthCoreModule } from './modules/auth/auth-core.module.js';
import { HealthController } from './modules/health/health.controller.js';
import { MetricsModule } from './modules/metrics/metrics.module.js';
import { RequestContext } from './common/request-context.js';
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
          pinoHttp: {
            level: config.LOG_LEVEL,
            genReqId: (req: IncomingMessage) => RequestContext.current()?.requestId ?? String(req.headers['x-request-id'] ?? ''),
            customProps: () => {
              const ctx = RequestContext.current();
              return {
                clientId: ctx?.clientId ?? undefined,
                userId: ctx?.userId ?? undefined,
                impersonationSessionId: ctx?.impersonationSessionId,
              };
            },
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
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url?.split('?')[0] }),
              // The status only: the response headers are the same security headers on every line.
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            autoLogging: {
              // Probes and scrapes are not logged. originalUrl: Fastify's middleware engine rewrites req.url for mounted middleware.
              ignore: (req: IncomingMessage & { originalUrl?: string }) => {
                const url = req.originalUrl ?? req.url ?? '';
                return url === '/metrics' || url.startsWith('/api/v1/health');
              },
            },
          },
        }),
        DatabaseModule,
        AuthCoreModule,
        MetricsModule,
        ...FEATURE_MODULES,
        ...(config.BENCH_ROUTES && config.NODE_ENV !== 'production' ? [BenchModule] : []),
      ],
      controllers: [HealthController],
      providers: [{ provide: AppConfigService, useValue: new AppConfigService(config) }, Clock],
      exports: [AppConfigService, Clock],
    };
  }
}
