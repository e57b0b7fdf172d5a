/**
 * The hook relay (src/hook-relay.ts) over a real unix socket: Sentinel's side
 * gets the helper's exit code; only seven string arguments are ever passed
 * on; no socket file means "run the hook here"; a socket nobody listens on,
 * or a helper that never answers, is exit 1 (Sentinel retries).
 */
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRequest, relay, serve } from '../src/hook-relay';

const ARGS = ['mymaster', 'leader', 'start', '198.18.0.11', '6379', '198.18.0.12', '6379'];
let dir = '';
let server: Server | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vipctl-relay-'));
});
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function helper(path: string, hook: (args: string[]) => Promise<number>): Promise<void> {
  server = createServer((sock) => void serve(hook, sock));
  return new Promise((r) => server!.listen(path, () => r()));
}

describe('hook relay', () => {
  it('passes the seven arguments and returns the helper\'s exit code', async () => {
    const path = join(dir, 'hook.sock');
    const seen: string[][] = [];
    await helper(path, async (args) => {
      seen.push(args);
      return 3;
    });
    expect(await relay(ARGS, path)).toBe(3);
    expect(seen).toEqual([ARGS]);
  });

  it('no socket file: null, the caller runs the hook itself', async () => {
    expect(await relay(ARGS, join(dir, 'absent.sock'))).toBeNull();
  });

  it('a socket file nobody listens on: exit 1', async () => {
    const path = join(dir, 'stale.sock');
    writeFileSync(path, '');
    expect(await relay(ARGS, path)).toBe(1);
  });

  it('a helper that does not answer by the deadline: exit 1', async () => {
    const path = join(dir, 'hook.sock');
    await helper(path, () => new Promise(() => {}));
    expect(await relay(ARGS, path, 200)).toBe(1);
  });

  it('the helper refuses anything but seven strings (exit 2, the hook never runs)', async () => {
    expect(parseRequest(JSON.stringify({ args: ARGS }))).toEqual(ARGS);
    for (const bad of [JSON.stringify({ args: ARGS.slice(1) }), JSON.stringify({ args: [...ARGS.slice(1), 7] }), JSON.stringify({ args: [...ARGS.slice(1), 'x'.repeat(257)] }), '{', 'null', JSON.stringify({ args: ARGS, env: {} }).replace('"args"', '"argv"')]) {
      expect(parseRequest(bad), bad).toBeNull();
    }
    const path = join(dir, 'hook.sock');
    let ran = false;
    await helper(path, async () => {
      ran = true;
      return 0;
    });
    expect(await relay(ARGS.slice(0, 6), path)).toBe(2);
    expect(ran).toBe(false);
  });
});
