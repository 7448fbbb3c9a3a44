import { Module } from '@nestjs/common';
import { SingletonBenchController, SingletonTenantClient, TenantBenchController, UnguardedBenchController } from './bench.controller.js';

/** Loaded only with BENCH_ROUTES=true (see bench/). */
@Module({ controllers: [TenantBenchController, SingletonBenchController, UnguardedBenchController], providers: [SingletonTenantClient] })
export class BenchModule {}
