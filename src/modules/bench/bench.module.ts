import { Module } from '@nestjs/common';
import { SingletonBenchController, SingletonTenantClient, TenantBenchController } from './bench.controller.js';

/** Loaded only with BENCH_ROUTES=true (see bench/). */
@Module({ controllers: [TenantBenchController, SingletonBenchController], providers: [SingletonTenantClient] })
export class BenchModule {}
