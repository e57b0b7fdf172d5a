import { afterEach, expect, it } from 'vitest';
import { SentinelLink } from '../../src/adapters/sentinel-events';
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

it('subscribes (authenticated), delivers events, answers PINGs, and after a dropped connection subscribes again', async () => {
  let killFirst = false;
  server = await fakeRedis((argv, conn) => {
    const cmd = argv[0]!.toUpperCase();
    if (cmd === 'AUTH') return argv.slice(1).join(' ') === 'vipctl pw' ? '+OK\r\n' : '-WRONGPASS\r\n';
    if (cmd === 'PSUBSCRIBE') {
      const event = array([bulk('pmessage'), bulk('*'), bulk('+switch-master'), bulk(`mymaster 10.0.0.1 6379 10.0.0.${conn} 6379`)]);
      return array([bulk('psubscribe'), bulk('*'), ':1\r\n']) + event;
    }
    if (cmd === 'PING') return killFirst && conn === 1 ? 'close' : array([bulk('pong'), bulk('')]);
    return '+OK\r\n';
  });
  const messages: string[] = [];
  const subscribed: number[] = [];
  const down: string[] = [];
  link = new SentinelLink({ host: '127.0.0.1', port: server.port }, { username: 'vipctl', password: 'pw', pingMs: 20 }, {
    onMessage: (s, channel, message) => messages.push(`${s} ${channel} ${message}`),
    onSubscribed: (_s, at) => subscribed.push(at),
    onDown: (_s, reason) => down.push(reason),
  });
  link.start();
  await waitFor(() => messages.length === 1 && subscribed.length === 1);
  expect(messages[0]).toBe(`127.0.0.1:${server.port} +switch-master mymaster 10.0.0.1 6379 10.0.0.1 6379`);
  await waitFor(() => server!.commands.filter((c) => c[0]!.toUpperCase() === 'PING').length >= 2);
  expect(Date.now() - link.lastOkAt).toBeLessThan(1000);

  killFirst = true;
  await waitFor(() => subscribed.length === 2 && messages.length === 2);
  expect(down.length).toBeGreaterThanOrEqual(1);
  expect(messages[1]).toMatch(/10\.0\.0\.2 6379$/);
  expect(server.connections).toBe(2);
});
