/**
 * Test hook for crash tests: when NODE_ENV is `test` and FTC_CRASH_AT names
 * this point (e.g. `move:copied`), the process dies at once by SIGKILL (no
 * catch, no cleanup), as a real crash would. A no-op anywhere else.
 */
export function crashPoint(name: string): void {
  if (process.env.NODE_ENV === 'test' && process.env.FTC_CRASH_AT === name) process.kill(process.pid, 'SIGKILL');
}
