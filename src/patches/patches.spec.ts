import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fastScramInstalled, installFastScram, VERIFIED_PG_VERSION } from './pg-scram.js';
import { pgPoolVersion, VERIFIED_PG_POOL_VERSION } from './pg-pool-internals.js';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(require.resolve('pg')), '..', '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Every patched package is pinned exactly: a range would let a release switch a patch off (or break it) unseen. */
describe('patched packages', () => {
  it('are pinned to the exact versions the patches were verified against', () => {
    expect(pkg.dependencies.pg).toBe(VERIFIED_PG_VERSION);
    expect(pkg.dependencies['pg-pool']).toBe(VERIFIED_PG_POOL_VERSION);
    expect(pkg.dependencies['@prisma/client']).toBe('6.19.3');
    expect(pkg.devDependencies.prisma).toBe('6.19.3');
    expect((require('pg/package.json') as { version: string }).version).toBe(VERIFIED_PG_VERSION);
    expect(pgPoolVersion()).toBe(VERIFIED_PG_POOL_VERSION);
  });
});

describe('fast SCRAM (pg/lib/crypto/utils)', () => {
  const utils = require('pg/lib/crypto/utils') as {
    deriveKey: (password: string, salt: Uint8Array, iterations: number) => Promise<ArrayBuffer>;
    hmacSha256: (key: Uint8Array, msg: string) => Promise<ArrayBuffer>;
    sha256: (data: Uint8Array) => Promise<ArrayBuffer>;
  };

  it('applies to the installed pg', () => {
    const before = utils.deriveKey;
    expect(installFastScram()).toBe(true);
    expect(fastScramInstalled()).toBe(true);
    expect(utils.deriveKey).not.toBe(before);
  });

  it('gives the bytes SCRAM-SHA-256 defines, and the cached salted password equals a fresh one', async () => {
    installFastScram();
    const salt = Buffer.from('0123456789abcdef');
    const expected = pbkdf2Sync('secret', salt, 4096, 32, 'sha256');
    expect(Buffer.from(await utils.deriveKey('secret', salt, 4096))).toEqual(expected);
    expect(Buffer.from(await utils.deriveKey('secret', salt, 4096))).toEqual(expected);
    expect(Buffer.from(await utils.deriveKey('other', salt, 4096))).not.toEqual(expected);
    expect(Buffer.from(await utils.hmacSha256(expected, 'Client Key'))).toEqual(
      createHmac('sha256', expected).update('Client Key').digest(),
    );
    expect(Buffer.from(await utils.sha256(expected))).toEqual(createHash('sha256').update(expected).digest());
  });
});
