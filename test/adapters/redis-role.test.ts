import { afterEach, expect, it } from 'vitest';
import { pollRole } from '../../src/adapters/redis-role';
import { clientOptions } from '../../src/adapters/connection';
import { validateConfig } from '../../src/core/config';
import { array, bulk, fakeRedis, type FakeRedis } from '../support/fake-redis';

let server: FakeRedis | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const SLAVE = array([bulk('slave'), bulk('127.0.0.1'), ':6379\r\n', bulk('connected'), ':100\r\n']);
const MASTER = array([bulk('master'), ':100\r\n', '*0\r\n']);

/** Options as the watcher makes them, from a config with `redis.password`. */
function conn(port: number, password?: string) {
  const config = validateConfig({ sentinel: { addresses: ['127.0.0.1:26379'] }, masters: { m: { vip: '10.0.0.100/24' } }, ...(password ? { redis: { password } } : {}) });
  return clientOptions(config, 'redis', { host: '127.0.0.1', port });
}

function waitFor<T>(f: () => T | undefined, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      const v = f();
      if (v !== undefined) resolve(v);
      else if (Date.now() > until) reject(new Error('timed out'));
      else setTimeout(tick, 5);
    };
    tick();
  });
}

it('polls ROLE (authenticated) until master; a connection killed at the promotion is made again at once', async () => {
  let promoted = false;
  server = await fakeRedis((argv, conn) => {
    if (argv[0]!.toUpperCase() === 'AUTH') return argv[1] === 'pw' ? '+OK\r\n' : '-WRONGPASS invalid\r\n';
    if (argv[0]!.toUpperCase() === 'ROLE') {
      // the first connection is killed as Sentinel's CLIENT KILL does, right at the promotion
      if (conn === 1 && promoted) return 'close';
      return promoted ? MASTER : SLAVE;
    }
    return '+OK\r\n';
  });
  let masterAt: number | undefined;
  let used = 0;
  const failures: string[] = [];
  const p = pollRole({ host: '127.0.0.1', port: server.port }, { connection: conn(server.port, 'pw'), everyMs: 5, until: Date.now() + 5000, onMaster: (t, n) => ((masterAt = t), (used = n)), onFailure: (r) => failures.push(r) });
  await waitFor(() => (server!.commands.filter((c) => c[0] === 'ROLE').length >= 3 ? true : undefined));
  expect(masterAt).toBeUndefined();
  const at = Date.now();
  promoted = true;
  await waitFor(() => masterAt);
  expect(masterAt! - at).toBeLessThan(1000);
  expect(server.connections).toBeGreaterThanOrEqual(2);
  expect(used).toBe(server.connections);
  expect(failures).toEqual([]);
  // it stopped by itself: no more ROLE after master
  const n = server.commands.length;
  await new Promise((r) => setTimeout(r, 50));
  expect(server.commands.length).toBe(n);
  p.stop();
});

it('gives up and says why when ROLE is refused (wrong password)', async () => {
  // like a Redis with requirepass: the failed AUTH, then NOAUTH for everything else
  server = await fakeRedis((argv) => (argv[0]!.toUpperCase() === 'AUTH' ? '-WRONGPASS invalid username-password pair\r\n' : '-NOAUTH Authentication required.\r\n'));
  const failures: string[] = [];
  let master = false;
  pollRole({ host: '127.0.0.1', port: server.port }, { connection: conn(server.port, 'bad'), everyMs: 5, until: Date.now() + 5000, onMaster: () => (master = true), onFailure: (r) => failures.push(r) });
  await waitFor(() => (failures.length > 0 ? true : undefined));
  expect(failures[0]).toMatch(/ROLE refused: .*(WRONGPASS|NOAUTH)/);
  expect(master).toBe(false);
});

it('stops at its deadline without a master', async () => {
  server = await fakeRedis(() => SLAVE);
  const failures: string[] = [];
  pollRole({ host: '127.0.0.1', port: server.port }, { connection: conn(server.port), everyMs: 5, until: Date.now() + 100, onMaster: () => undefined, onFailure: (r) => failures.push(r) });
  await waitFor(() => (failures.length > 0 ? true : undefined));
  expect(failures[0]).toMatch(/no role master before the failover timeout/);
});
