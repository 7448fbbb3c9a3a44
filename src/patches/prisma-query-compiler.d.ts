/** Prisma's WebAssembly query compiler for PostgreSQL (the runtime ships no types for it; see prisma-plan-cache.ts). */
declare module '@prisma/client/runtime/query_compiler_bg.postgresql.mjs' {
  export class QueryCompiler {
    compile(query: string): unknown;
  }
}
