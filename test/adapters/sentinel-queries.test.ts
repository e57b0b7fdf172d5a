/** The watcher's Sentinel queries on kept connections (src/adapters/sentinel-queries.ts, redis-kept.ts), against fake Sentinels on 127.0.0.1. */
import { userInfo } from 'node:os';
import { afterEach, expect, it } from 'vitest';
import { SentinelQueries } from '../../src/adapters/sentinel-queries';
import { guardedConnector } from '../../src/adapters/guarded-connector';
import { readSocketTable } from '../../src/adapters/host';
import { validateConfig } from '../../src/core/config';
import type { SocketEntry } from '../../src/core/socket-table';
import { array, bulk, fakeRedis, type FakeRedis, type Reply } from '../support/fake-redis';

const servers: FakeRedis[] = [];
const open: SentinelQueries[] = [];
afterEach(async () => {
  for (const q of open.splice(0)) q.close();
  for (const s of servers.splice(0)) await s.close();
});

const ENTRY = array(['name', 'm', 'ip', '10.0.0.11', 'port', '6379', 'flags', 'master', 'down-after-milliseconds', '1000', 'failover-timeout', '10000'].map(bulk));
const MASTERS = array([ENTRY]);
const me = userInfo().username;

async function sentinels(n: number, reply: (argv: string[], connection: number) => Reply = (a) => (a[0]!.toUpperCase() === 'SENTINEL' ? MASTERS : '+OK\r\n')): Promise<FakeRedis[]> {
  for (let i = 0; i < n; i++) servers.push(await fakeRedis(reply));
  return servers;
}

/** The config: this process's user as the Sentinels' service user (the fakes are its sockets), a password. */
const config = (ports: number[], queryTimeoutMs = 500) =>
  validateConfig({ sentinel: { addresses: ports.map((p) => `127.0.0.1:${p}`), password: 'pw', serviceUser: me }, masters: { m: { vip: '10.0.0.100/24' } }, watch: { queryTimeoutMs } });

const commands = (s: FakeRedis) => s.commands.map((c) => c[0]!.toUpperCase());

it('every pass asks every Sentinel on the connection made for the first: one connection and one AUTH each, not one per query', async () => {
  const ss = await sentinels(3);
  const q = new SentinelQueries(config(ss.map((s) => s.port)));
  open.push(q);
  for (let i = 0; i < 5; i++) {
    const replies = await Promise.all(q.every());
    expect(replies.map((r) => r.masters?.get('m')?.address)).toEqual(['10.0.0.11:6379', '10.0.0.11:6379', '10.0.0.11:6379']);
  }
  expect(ss.map((s) => s.connections)).toEqual([1, 1, 1]);
  for (const s of ss) expect(commands(s)).toEqual(['AUTH', ...Array(5).fill('SENTINEL')]);
  expect(q.connections).toBe(3);
});

it('a lost connection is made again by the next query, and checked again before the password goes out: a squatter now owning the socket gets nothing', async () => {
  let table: () => SocketEntry[] = readSocketTable;
  let drop = false;
  const [s] = await sentinels(1, (a) => {
    if (a[0]!.toUpperCase() !== 'SENTINEL') return '+OK\r\n';
    if (drop) return 'close';
    return MASTERS;
  });
  const cfg = config([s!.port]);
  const rule = { key: 'sentinel.serviceUser', user: me, uid: process.getuid!() };
  const q = new SentinelQueries(cfg, { Connector: guardedConnector({ owner: rule, table: () => table() }) });
  open.push(q);
  expect((await q.every()[0]!).masters?.size).toBe(1);
  drop = true;
  expect((await q.every()[0]!).masters).toBeNull(); // the server closed it mid-query
  expect(commands(s!)).toEqual(['AUTH', 'SENTINEL', 'SENTINEL']);
  // the port's owner is someone else now: the new connection is refused before AUTH
  drop = false;
  table = () => readSocketTable().map((e) => ({ ...e, uid: 65534 }));
  const r = await q.every()[0]!;
  expect(r.masters).toBeNull();
  expect(r.error).toMatch(/the socket belongs to uid 65534/);
  expect(commands(s!)).toEqual(['AUTH', 'SENTINEL', 'SENTINEL']);
  // the owner is right again: a fresh connection, AUTH, the query
  table = readSocketTable;
  expect((await q.every()[0]!).masters?.size).toBe(1);
  expect(commands(s!)).toEqual(['AUTH', 'SENTINEL', 'SENTINEL', 'AUTH', 'SENTINEL']);
});

it('a Sentinel that does not answer within the deadline costs that query only; its connection is dropped and the next query makes a fresh one', async () => {
  let silent = true;
  const [s] = await sentinels(1, (a) => (a[0]!.toUpperCase() === 'SENTINEL' ? (silent ? null : MASTERS) : '+OK\r\n'));
  const q = new SentinelQueries(config([s!.port], 100));
  open.push(q);
  const started = Date.now();
  const r = await q.every()[0]!;
  expect(r).toMatchObject({ masters: null, error: 'no answer within 100 ms' });
  expect(Date.now() - started).toBeLessThan(400);
  silent = false;
  expect((await q.every()[0]!).masters?.size).toBe(1);
  expect(s!.connections).toBe(2);
});

it('close: the kept connections are closed, and no query goes out after it', async () => {
  const [s] = await sentinels(1);
  const q = new SentinelQueries(config([s!.port]));
  await q.every()[0];
  q.close();
  expect(await q.every()[0]!).toMatchObject({ masters: null, error: 'closed' });
  expect(commands(s!)).toEqual(['AUTH', 'SENTINEL']);
});
