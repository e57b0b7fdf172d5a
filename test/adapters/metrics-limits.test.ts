import { readdirSync } from 'node:fs';
import net from 'node:net';
import { expect, it } from 'vitest';
import { METRICS_LIMITS, startMetrics } from '../../src/adapters/metrics';

const fds = (): number => readdirSync('/proc/self/fd').length;

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

function until(what: string, test: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = (): void => (test() ? resolve() : Date.now() > end ? reject(new Error(`timed out: ${what}`)) : void setTimeout(tick, 20));
    tick();
  });
}

it('a flood of idle connections costs at most the cap in descriptors, idle ones are closed, and a scrape works after', async () => {
  const port = await freePort();
  const m = await startMetrics({ host: '127.0.0.1', port });
  const clients: net.Socket[] = [];
  try {
    const before = fds();
    let open = 0;
    let closedEarly = 0; // closed before any timeout could have closed them: the cap did
    // 400 idle connections, a few bytes of a request line at most (a slowloris), never finished
    for (let i = 0; i < 400; i++) {
      const c = net.createConnection(port, '127.0.0.1');
      c.on('error', () => {});
      let connectedAt = Date.now();
      c.on('connect', () => {
        connectedAt = Date.now();
        if (i % 2 === 0) c.write('GET /met');
      });
      open++;
      c.on('close', () => {
        open--;
        // well before any timeout (2 s after the connection) could have closed it
        if (Date.now() - connectedAt < METRICS_LIMITS.IDLE_TIMEOUT_MS / 2) closedEarly++;
      });
      clients.push(c);
    }
    // every connection beyond the cap is closed at once by the server
    await until(`at most ${METRICS_LIMITS.MAX_CONNECTIONS} flood connections left open`, () => open <= METRICS_LIMITS.MAX_CONNECTIONS, 10_000);
    expect(closedEarly).toBeGreaterThanOrEqual(400 - METRICS_LIMITS.MAX_CONNECTIONS);
    // this process holds both ends: the clients still open plus the server's: twice the cap at most (plus a little slack)
    expect(fds() - before).toBeLessThanOrEqual(2 * METRICS_LIMITS.MAX_CONNECTIONS + 8);
    // the rest are idle: closed by the server within its timeouts (checked every 500 ms)
    await until('every idle connection closed by the server', () => open === 0, 20_000);
    const r = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(r.status).toBe(200);
  } finally {
    for (const c of clients) c.destroy();
    await m.close();
  }
}, 30_000);
