import { afterEach, expect, it, vi } from 'vitest';
import { createServer } from 'node:net';
import { SentinelLink, type SentinelLinkEvents } from '../../src/adapters/sentinel-events';
import { clientOptions } from '../../src/adapters/connection';
import { validateConfig } from '../../src/core/config';
import { WATCH_CHANNELS } from '../../src/core/watch/channels';
import { array, bulk, fakeRedis, type FakeRedis } from '../support/fake-redis';

let server: FakeRedis | undefined;
let link: SentinelLink | undefined;
afterEach(async () => {
  link?.close();
  await server?.close();
});

function waitFor(f: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => (f() ? resolve() : Date.now() > until ? reject(new Error('timed out')) : setTimeout(tick, 5));
    tick();
  });
}

/** Options as the watcher makes them, from a config with sentinel.username/password. */
function connection(port: number) {
  const config = validateConfig({ sentinel: { addresses: [`127.0.0.1:${port}`], username: 'vipctl', password: 'pw' }, masters: { m: { vip: '10.0.0.100/24' } } });
  return clientOptions(config, 'sentinel', { host: '127.0.0.1', port });
}

const subscribed = (channel: string, n: number) => array([bulk('subscribe'), bulk(channel), `:${n}\r\n`]);

it('subscribes to every watch channel by name (authenticated), delivers events, answers PINGs, and after a dropped connection subscribes again', async () => {
  let killFirst = false;
  server = await fakeRedis((argv, conn) => {
    const cmd = argv[0]!.toUpperCase();
    if (cmd === 'AUTH') return argv.slice(1).join(' ') === 'vipctl pw' ? '+OK\r\n' : '-WRONGPASS\r\n';
    if (cmd === 'SUBSCRIBE') {
      const event = argv[1] === '+switch-master' ? array([bulk('message'), bulk('+switch-master'), bulk(`mymaster 10.0.0.1 6379 10.0.0.${conn} 6379`)]) : '';
      return subscribed(argv[1]!, 1) + event;
    }
    if (cmd === 'PING') return killFirst && conn === 1 ? 'close' : array([bulk('pong'), bulk('')]);
    return '+OK\r\n';
  });
  const messages: string[] = [];
  const subs: number[] = [];
  const down: string[] = [];
  const refused: string[][] = [];
  link = new SentinelLink({ host: '127.0.0.1', port: server.port }, { connection: connection(server.port), pingMs: 20 }, {
    onMessage: (s, channel, message) => messages.push(`${s} ${channel} ${message}`),
    onSubscribed: (_s, at) => subs.push(at),
    onDown: (_s, reason) => down.push(reason),
    onRefused: (_s, missing) => refused.push(missing),
  });
  link.start();
  await waitFor(() => messages.length === 1 && subs.length === 1);
  expect(messages[0]).toBe(`127.0.0.1:${server.port} +switch-master mymaster 10.0.0.1 6379 10.0.0.1 6379`);
  const subscribes = server.commands.filter((c) => c[0]!.toUpperCase() === 'SUBSCRIBE');
  expect(subscribes.map((c) => c.slice(1))).toEqual(WATCH_CHANNELS.map((c) => [c])); // one channel per command, no PSUBSCRIBE
  expect(server.commands.map((c) => c[0]!.toUpperCase())).not.toContain('INFO'); // no ready check a least-privilege user could not pass
  await waitFor(() => server!.commands.filter((c) => c[0]!.toUpperCase() === 'PING').length >= 2);
  expect(Date.now() - link.lastOkAt).toBeLessThan(1000);

  killFirst = true;
  await waitFor(() => subs.length === 2 && messages.length === 2);
  expect(down.length).toBeGreaterThanOrEqual(1);
  expect(messages[1]).toMatch(/10\.0\.0\.2 6379$/);
  expect(server.connections).toBe(2);
  expect(refused).toEqual([]);
});

it('a channel the ACL user may not read is reported once, by name, and the others stay subscribed', async () => {
  server = await fakeRedis((argv, conn) => {
    const cmd = argv[0]!.toUpperCase();
    if (cmd === 'SUBSCRIBE') {
      if (argv[1] === '+odown' || argv[1] === '+switch-master') return '-NOPERM this user has no permissions to access one of the channels used as arguments\r\n';
      return subscribed(argv[1]!, 1);
    }
    if (cmd === 'PING') return conn === 1 ? 'close' : array([bulk('pong'), bulk('')]); // one reconnect: still one report
    return '+OK\r\n';
  });
  const refused: Array<{ missing: string[]; error: string }> = [];
  const subs: number[] = [];
  const ev: SentinelLinkEvents = { onMessage: () => {}, onSubscribed: (_s, at) => subs.push(at), onDown: () => {}, onRefused: (_s, missing, error) => refused.push({ missing, error }) };
  link = new SentinelLink({ host: '127.0.0.1', port: server.port }, { connection: connection(server.port), pingMs: 20 }, ev);
  link.start();
  await waitFor(() => subs.length >= 2);
  expect(refused).toHaveLength(1);
  expect(refused[0]!.missing).toEqual(['&+odown', '&+switch-master']);
  expect(refused[0]!.error).toMatch(/NOPERM/);
});

it('a refused connection (nothing listens) is recorded and retried every ping period: a dead Sentinel keeps proving it is dead', async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const port = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
  const seen = new Set<number>();
  link = new SentinelLink({ host: '127.0.0.1', port }, { connection: connection(port), pingMs: 20 }, { onMessage: () => {}, onSubscribed: () => {}, onDown: () => {}, onRefused: () => {} });
  expect(link.refusedAt).toBe(-Infinity);
  const timer = setInterval(() => link!.refusedAt > -Infinity && seen.add(link!.refusedAt), 2);
  link.start();
  try {
    // with the usual backoff (20 ms doubling to 1 s) ten attempts would take over 3 s
    await waitFor(() => seen.size >= 10, 1500);
  } finally {
    clearInterval(timer);
  }
  expect(link.lastOkAt).toBe(-Infinity);
});

it('a Sentinel that stops answering PING (the connection stays open) is dropped after 5 ping periods (at least 1 s) and subscribed again on a fresh connection', async () => {
  let silent = false;
  server = await fakeRedis((argv) => {
    const cmd = argv[0]!.toUpperCase();
    if (cmd === 'SUBSCRIBE') return subscribed(argv[1]!, 1);
    if (cmd === 'PING') return silent ? null : array([bulk('pong'), bulk('')]);
    return '+OK\r\n';
  });
  const subs: number[] = [];
  const down: Array<{ reason: string; at: number }> = [];
  link = new SentinelLink({ host: '127.0.0.1', port: server.port }, { connection: connection(server.port), pingMs: 20 }, { onMessage: () => {}, onSubscribed: (_s, at) => subs.push(at), onDown: (_s, reason) => down.push({ reason, at: Date.now() }), onRefused: () => {} });
  link.start();
  await waitFor(() => subs.length === 1 && link!.lastOkAt > subs[0]!);
  silent = true;
  const lastOk = () => link!.lastOkAt;
  const before = lastOk();
  await waitFor(() => subs.length === 2, 4000);
  const d = down.find((x) => x.reason === 'no answer to PING')!;
  expect(d).toBeDefined();
  expect(d.at - before).toBeGreaterThanOrEqual(1000);
  expect(d.at - before).toBeLessThan(1500);
  expect(server.connections).toBe(2);
});

it('PINGs cost no timer each: over 20 ping periods the link sets at most a couple of timers (was one per PING)', async () => {
  server = await fakeRedis((argv) => {
    const cmd = argv[0]!.toUpperCase();
    if (cmd === 'SUBSCRIBE') return subscribed(argv[1]!, 1);
    if (cmd === 'PING') return array([bulk('pong'), bulk('')]);
    return '+OK\r\n';
  });
  const subs: number[] = [];
  link = new SentinelLink({ host: '127.0.0.1', port: server.port }, { connection: connection(server.port), pingMs: 10 }, { onMessage: () => {}, onSubscribed: (_s, at) => subs.push(at), onDown: () => {}, onRefused: () => {} });
  link.start();
  await waitFor(() => subs.length === 1);
  const pings = () => server!.commands.filter((c) => c[0]!.toUpperCase() === 'PING').length;
  const spy = vi.spyOn(globalThis, 'setTimeout');
  try {
    const start = pings();
    // polled by setImmediate, not by a timer of the test's own
    await new Promise<void>((resolve) => {
      const check = (): void => void (pings() >= start + 20 ? resolve() : setImmediate(check));
      check();
    });
    expect(spy.mock.calls.length).toBeLessThanOrEqual(2);
  } finally {
    spy.mockRestore();
  }
});
