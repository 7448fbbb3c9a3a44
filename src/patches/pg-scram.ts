import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

type Bytes = ArrayBuffer | Uint8Array;
interface PgCryptoUtils {
  deriveKey?: (password: string, salt: Uint8Array, iterations: number) => Promise<ArrayBuffer>;
  hmacSha256?: (key: Bytes, msg: string) => Promise<ArrayBuffer>;
  sha256?: (data: Bytes) => Promise<ArrayBuffer>;
}

const toArrayBuffer = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
const bytes = (x: Bytes): Uint8Array => (x instanceof Uint8Array ? x : new Uint8Array(x));

/** The pg version whose `lib/crypto/utils` this was verified against (package.json pins it). */
export const VERIFIED_PG_VERSION = '8.23.1';

const require = createRequire(import.meta.url);
let installed = false;

/**
 * Makes node-postgres' SCRAM-SHA-256 login cheap on the event loop.
 *
 * With one role per tenant database and a connection budget shared by all
 * tenants, connections open all the time under many-tenant traffic, and the
 * client side of each SCRAM exchange was ~12% of the service's main-thread
 * CPU (bench/: many tenants, `--cpu-prof`):
 * - the PBKDF2 "salted password" (4,096 iterations) depends only on the
 *   password and the role's salt and iteration count, which the server keeps
 *   per role, so it is cached (LRU). It is as sensitive as the password,
 *   which this process already holds in memory (tenant registry), and never
 *   leaves the process;
 * - the exchange's HMAC-SHA-256 and SHA-256 steps use node:crypto's
 *   synchronous functions (microseconds) instead of WebCrypto key imports and
 *   jobs (promise and thread-pool round trips, nine per login). Same
 *   functions, same bytes.
 *
 * The 12 % is the figure of the many-tenant benchmark when this was written
 * (bench/tenants.bench.ts, logins with passwords); it was not re-measured when
 * the patch moved here, and the test server of this machine trusts local
 * logins, so the test suite runs no SCRAM exchange at all.
 *
 * Patches `pg/lib/crypto/utils`, which pg's SASL code calls, of the exact pg
 * version it was verified against (pinned in package.json); with any other
 * version, or if that file is laid out differently, it stays off and says so.
 * Installed explicitly at start-up (src/patches/index.ts); a test fails when it
 * no longer applies (src/patches/patches.spec.ts).
 */
export function installFastScram(maxCachedKeys = 20_000): boolean {
  if (installed) return true;
  const version = (require('pg/package.json') as { version: string }).version;
  let utils: PgCryptoUtils | null = null;
  try {
    utils = require('pg/lib/crypto/utils') as PgCryptoUtils;
  } catch {
    utils = null;
  }
  const derive = utils?.deriveKey;
  if (
    version !== VERIFIED_PG_VERSION ||
    !utils ||
    typeof derive !== 'function' ||
    typeof utils.hmacSha256 !== 'function' ||
    typeof utils.sha256 !== 'function'
  ) {
    new Logger('Patches').warn(
      `pg ${version} is not the version the SCRAM patch was verified against (${VERIFIED_PG_VERSION}): logins use pg's own code`,
    );
    return false;
  }
  installed = true;
  // Values, not promises: a promise keeps the async context (request) it was made in.
  const cache = new LRUCache<string, ArrayBuffer>({ max: maxCachedKeys });
  utils.deriveKey = async (password, salt, iterations) => {
    const key = `${iterations}:${Buffer.from(salt).toString('base64')}:${createHash('sha256').update(password).digest('base64')}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const derived = await derive(password, salt, iterations);
    cache.set(key, derived);
    return derived;
  };
  utils.hmacSha256 = (key, msg) => Promise.resolve(toArrayBuffer(createHmac('sha256', bytes(key)).update(msg, 'utf8').digest()));
  utils.sha256 = (data) => Promise.resolve(toArrayBuffer(createHash('sha256').update(bytes(data)).digest()));
  return true;
}

export function fastScramInstalled(): boolean {
  return installed;
}
