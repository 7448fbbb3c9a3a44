import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

/**
 * The archive container: a POSIX ustar file, gzip-compressed (`tar xzf`
 * opens it anywhere). Only plain files with short relative names are
 * written, and reading accepts nothing else, so an archive can never write
 * outside the folder it is extracted to.
 */
const BLOCK = 512;
const SAFE_NAME = /^(?:manifest\.json|tables\/[a-z_][a-z0-9_]{0,62}\.copy)$/;

function header(name: string, size: number, mtime: Date): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  const put = (text: string, offset: number, length: number) => h.write(text.slice(0, length), offset, length, 'ascii');
  const octal = (n: number, length: number) => n.toString(8).padStart(length - 1, '0') + '\0';
  put(name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 12);
  put('        ', 148, 8);
  put('0', 156, 1);
  put('ustar\u000000', 257, 8);
  let sum = 0;
  for (const b of h) sum += b;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return h;
}

/** Writes `files` (archive name → local path) as a .tar.gz; answers its size and sha256. */
export async function writeTarGz(
  target: string,
  files: { name: string; path: string }[],
  mtime: Date,
): Promise<{ sizeBytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  async function* entries() {
    for (const f of files) {
      if (!SAFE_NAME.test(f.name)) throw new Error(`Refusing archive entry name ${f.name}`);
      const { size: fileSize } = await stat(f.path);
      yield header(f.name, fileSize, mtime);
      for await (const chunk of createReadStream(f.path)) yield chunk as Buffer;
      const pad = (BLOCK - (fileSize % BLOCK)) % BLOCK;
      if (pad) yield Buffer.alloc(pad, 0);
    }
    yield Buffer.alloc(BLOCK * 2, 0);
  }
  const measure = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(entries, createGzip(), measure, createWriteStream(target, { flags: 'wx' }));
  return { sizeBytes: size, sha256: hash.digest('hex') };
}

/** sha256 of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Extracts a .tar.gz written by writeTarGz into `dir`; answers the names extracted. */
export async function extractTarGz(archive: string, dir: string): Promise<string[]> {
  const names: string[] = [];
  let buf = Buffer.alloc(0);
  let current: { out: import('node:fs').WriteStream; remaining: number; pad: number } | null = null;
  let skip = 0;
  let ended = false;
  const write = (out: import('node:fs').WriteStream, data: Buffer) =>
    new Promise<void>((resolve, reject) => out.write(data, (err) => (err ? reject(err) : resolve())));
  const close = (out: import('node:fs').WriteStream) =>
    new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  await pipeline(createReadStream(archive), createGunzip(), async function (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (ended) break;
        if (skip > 0) {
          const n = Math.min(skip, buf.length);
          buf = buf.subarray(n);
          skip -= n;
          if (skip > 0) break;
        }
        if (current) {
          const n = Math.min(current.remaining, buf.length);
          if (n > 0) await write(current.out, buf.subarray(0, n));
          buf = buf.subarray(n);
          current.remaining -= n;
          if (current.remaining > 0) break;
          await close(current.out);
          skip = current.pad;
          current = null;
          continue;
        }
        if (buf.length < BLOCK) break;
        const h = buf.subarray(0, BLOCK);
        buf = buf.subarray(BLOCK);
        if (h.every((b) => b === 0)) {
          ended = true;
          break;
        }
        const name = h.toString('ascii', 0, 100).replace(/\0.*$/s, '');
        const type = h.toString('ascii', 156, 157);
        const size = parseInt(h.toString('ascii', 124, 136).replace(/\0.*$/s, '').trim() || '0', 8);
        if ((type !== '0' && type !== '\0') || !SAFE_NAME.test(name) || !Number.isSafeInteger(size)) {
          throw new Error(`Unexpected archive entry ${JSON.stringify(name)}`);
        }
        names.push(name);
        current = {
          out: createWriteStream(path.join(dir, name.replace('/', '__')), { flags: 'wx' }),
          remaining: size,
          pad: (BLOCK - (size % BLOCK)) % BLOCK,
        };
        if (size === 0) {
          await close(current.out);
          current = null;
          skip = 0;
        }
      }
    }
  });
  if (current) throw new Error('Archive is truncated');
  return names;
}

/** Where extractTarGz put an archive entry. */
export function extractedPath(dir: string, name: string): string {
  return path.join(dir, name.replace('/', '__'));
}
