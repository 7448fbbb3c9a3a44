import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertReachableByOthers } from './embedded.js';

describe('assertReachableByOthers', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ftc-reach-'));
    mkdirSync(path.join(root, 'repo', 'node_modules'), { recursive: true });
  });

  afterEach(() => {
    chmodSync(root, 0o700);
    rmSync(root, { recursive: true, force: true });
  });

  it('names the first folder the postgres user cannot enter, and how to fix it', () => {
    chmodSync(root, 0o700);
    expect(() => assertReachableByOthers(path.join(root, 'repo', 'node_modules'))).toThrow(
      `cannot enter ${root} (mode 700): run \`chmod o+x ${root}\``,
    );
  });

  it('passes when every folder above the target can be entered', () => {
    chmodSync(root, 0o755);
    expect(() => assertReachableByOthers(path.join(root, 'repo', 'node_modules'))).not.toThrow();
  });

  it('stops at the first folder that does not exist yet (the data folder is created later)', () => {
    chmodSync(root, 0o711);
    expect(() => assertReachableByOthers(path.join(root, 'repo', 'missing', 'pg'))).not.toThrow();
  });
});
