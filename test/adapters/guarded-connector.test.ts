import net from 'node:net';
import { afterEach, expect, it } from 'vitest';
import Redis from 'ioredis';
import { guardedConnector } from '../../src/adapters/guarded-connector';
import { readSocketTable } from '../../src/adapters/host';
import { pollRole } from '../../src/adapters/redis-role';
import { clientOptions } from '../../src/adapters/connection';
import { role } from '../../src/adapters/redis-client';
import { validateConfig } from '../../src/core/config';
import { serverEnd } from '../../src/core/socket-table';
import { array, bulk, fakeRedis, type FakeRedis } from '../support/fake-redis';

let server: FakeRedis | undefined;
const servers: net.Server[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

const config = (port: number) => validateConfig({ sentinel: { addresses: [`127.0.0.1:${port}`] }, masters: { m: { vip: '10.0.0.100/24' } }, redis: { password: 'secret' } });
const MASTER = array([bulk('master'), ':100\r\n', '*0\r\n']);
const rule = { key: 'redis.serviceUser', user: 'redis', uid: null };

it("finds the server's end of a real connection in /proc/net/tcp, owned by the server's user", async () => {
  server = await fakeRedis(() => '+OK\r\n');
  const c = net.createConnection(server.port, '127.0.0.1');
  await new Promise((r) => c.once('connect', r));
  const end = serverEnd(readSocketTable(), { serverIp: c.remoteAddress!, serverPort: c.remotePort!, clientIp: c.localAddress!, clientPort: c.localPort! });
  c.destroy();
  expect(end).toMatchObject({ uid: process.getuid!(), local: { port: server.port } });
});

it('a local server owned by another user gets neither the password nor any command, and its ROLE never counts', async () => {
  server = await fakeRedis((argv) => (argv[0]!.toUpperCase() === 'ROLE' ? MASTER : '+OK\r\n'));
  const port = server.port;
  // the same table, as if a squatter (uid 65534) owned every socket
  const squatted = () => readSocketTable().map((e) => ({ ...e, uid: 65534 }));
  const opts = { ...clientOptions(config(port), 'redis', { host: '127.0.0.1', port }), Connector: guardedConnector({ owner: rule, table: squatted }) };
  const c = new Redis({ ...opts, maxRetriesPerRequest: 0, retryStrategy: () => null });
  const error = new Promise<Error>((r) => c.once('error', r));
  await expect(c.connect()).rejects.toThrow();
  expect((await error).message).toMatch(/^127\.0\.0\.1:\d+: the socket belongs to uid 65534( \(\w+\))?, not to root \(redis.serviceUser redis is no user on this host\); not sending credentials/);
  c.disconnect();
  expect(server.commands).toEqual([]);
  // the ROLE poller stops at the refusal and says why
  const failure = await new Promise<string>((resolve) => {
    pollRole({ host: '127.0.0.1', port }, { connection: opts, everyMs: 5, until: Date.now() + 5000, onMaster: () => resolve('master!'), onFailure: resolve });
  });
  expect(failure).toMatch(/^refused: 127\.0\.0\.1:\d+: the socket belongs to uid 65534/);
  expect(server.commands).toEqual([]);
  // the real owner (this process's user, root in the test): AUTH, then ROLE
  expect(await role(config(port), { host: '127.0.0.1', port })).toEqual({ ok: true, value: 'master' });
  expect(server.commands.map((a) => a[0]!.toUpperCase())).toEqual(['AUTH', 'ROLE']);
});

it('a reply over the cap closes the connection: a fake 4 GB bulk reply costs about the cap, not its size', async () => {
  let written = 0;
  let closed!: () => void;
  const done = new Promise<void>((r) => (closed = r));
  const fake = net.createServer((sock) => {
    sock.on('error', () => {});
    sock.on('close', () => closed());
    sock.once('data', () => {
      sock.write('$4000000000\r\n');
      const chunk = Buffer.alloc(64 * 1024, 120);
      const pump = (): void => {
        // up to 64 MB, as fast as the client takes it
        while (written < 64 * 1024 * 1024 && !sock.destroyed) {
          written += chunk.length;
          if (!sock.write(chunk)) return void sock.once('drain', pump);
        }
      };
      pump();
    });
  });
  servers.push(fake);
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
  const port = (fake.address() as net.AddressInfo).port;
  const r = await role(validateConfig({ sentinel: { addresses: [`127.0.0.1:${port}`] }, masters: { m: { vip: '10.0.0.100/24' } } }), { host: '127.0.0.1', port }, 5000);
  await done;
  expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/reply over 1048576 bytes \(a 4000000000-byte string\): refused/) });
  // the header alone was refused: what the server got out is what the socket buffers held, far below the 64 MB it offered
  expect(written).toBeLessThan(16 * 1024 * 1024);
});

it("a local server whose socket is not in the table (closed meanwhile) gets nothing, and the ROLE poll keeps trying instead of stopping", async () => {
  server = await fakeRedis((argv) => (argv[0]!.toUpperCase() === 'ROLE' ? MASTER : '+OK\r\n'));
  const port = server.port;
  let calls = 0;
  const empty = () => {
    calls++;
    return [];
  };
  const opts = { ...clientOptions(config(port), 'redis', { host: '127.0.0.1', port }), Connector: guardedConnector({ owner: rule, table: empty }) };
  const failure = await new Promise<string>((resolve) => {
    pollRole({ host: '127.0.0.1', port }, { connection: opts, everyMs: 5, until: Date.now() + 800, onMaster: () => resolve('master!'), onFailure: resolve });
  });
  expect(failure).toMatch(/^no role master before the failover timeout \(last error: 127\.0\.0\.1:\d+ is an address of this host but its socket is not in \/proc\/net\/tcp/);
  expect(calls).toBeGreaterThan(1); // retried
  expect(server.commands).toEqual([]);
});

it("reads the socket table only for a server on this host's own addresses (a read walks the kernel's whole socket hash)", async () => {
  const { checkOwner } = await import('../../src/adapters/guarded-connector');
  let reads = 0;
  const table = () => {
    reads++;
    return [];
  };
  const stream = (serverIp: string) => ({ remoteAddress: serverIp, remotePort: 26379, localAddress: '127.0.0.1', localPort: 40000 }) as unknown as net.Socket;
  expect(checkOwner(stream('192.0.2.7'), rule, table)).toBeNull();
  expect(reads).toBe(0);
  // on this host: the table is read, and a socket missing from it is no permission
  expect(checkOwner(stream('127.0.0.1'), rule, table)).toMatchObject({ code: 'EVIPCTL_OWNER_UNKNOWN' });
  expect(reads).toBe(1);
});
