/** The bench module's public API (routes for benchmarks, never in production). */
export { BenchModule } from './bench.module.js';
