/** relay() (src/hook-relay.ts) with no helper: no socket file, no connect at all. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { relay } from '../../src/hook-relay';

const ARGS = ['mymaster', 'leader', 'start', '198.18.0.12', '6379', '198.18.0.11', '6379'];

describe('relay without a helper', () => {
  it('no socket file: null (run the hook here) without opening a socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vipctl-relay-'));
    try {
      const opened: string[] = [];
      const open = (p: string): Socket => {
        opened.push(p);
        return connect(p);
      };
      expect(await relay(ARGS, join(dir, 'absent.sock'), 1000, open)).toBeNull();
      expect(opened).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a socket file: connects (and relays) as before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vipctl-relay-'));
    const path = join(dir, 'hook.sock');
    const server = createServer((c) => c.once('data', () => c.end('{"exitCode":0}\n')));
    await new Promise<void>((r) => server.listen(path, r));
    try {
      const opened: string[] = [];
      const open = (p: string): Socket => {
        opened.push(p);
        return connect(p);
      };
      expect(await relay(ARGS, path, 1000, open)).toBe(0);
      expect(opened).toEqual([path]);
    } finally {
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
