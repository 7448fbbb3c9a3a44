import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './config/config.js';
import { AppConfigService } from './config/config.service.js';
import { DatabaseModule } from './database/database.module.js';
import { AuthCoreModule } from './modules/auth/index.js';
import { IdentityModule } from './modules/identity/index.js';
import { ApiIndexController, HealthController } from './modules/health/index.js';
import { MetricsModule } from './modules/metrics/index.js';
import { LimitsModule } from './modules/limits/index.js';
import { LoggingModule } from './common/logger.js';
import { FEATURE_MODULES } from './feature-modules.js';
import { Clock } from './common/clock.js';
import { BenchModule } from './modules/bench/index.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggingModule.forRoot(config),
        DatabaseModule,
        IdentityModule,
        AuthCoreModule,
        MetricsModule,
        LimitsModule,
        ...FEATURE_MODULES,
        ...(config.BENCH_ROUTES && config.NODE_ENV !== 'production' ? [BenchModule] : []),
      ],
      controllers: [HealthController, ApiIndexController],
      providers: [{ provide: AppConfigService, useValue: new AppConfigService(config) }, Clock],
      exports: [AppConfigService, Clock],
    };
  }
}
