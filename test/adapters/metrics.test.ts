import { createServer } from 'node:net';
import { expect, it } from 'vitest';
import { startMetrics } from '../../src/adapters/metrics';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

it('without metrics.listen every call is a no-op and nothing listens', async () => {
  const m = await startMetrics(null);
  expect(m.address).toBeNull();
  m.pass('m');
  await m.close();
});

it('serves the watcher metrics in Prometheus text at /metrics, 404 elsewhere', async () => {
  const port = await freePort();
  const m = await startMetrics({ host: '127.0.0.1', port });
  try {
    m.vipBound('mymaster', true);
    m.sentinels(2, 3);
    m.pass('mymaster');
    m.pass('mymaster');
    m.error('mymaster');
    m.fenced('mymaster', false);
    m.fenceSkipped('mymaster', true);
    m.sentinelsRefusing(2);
    m.bindLatency('mymaster', 42);
    const r = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(r.status).toBe(200);
    const text = await r.text();
    for (const line of [
      'vipctl_vip_bound{master="mymaster"} 1',
      'vipctl_sentinels_reachable 2',
      'vipctl_sentinels_configured 3',
      'vipctl_reconcile_passes_total{master="mymaster"} 2',
      'vipctl_reconcile_errors_total{master="mymaster"} 1',
      'vipctl_fenced{master="mymaster"} 0',
      'vipctl_fence_skipped{master="mymaster"} 1',
      'vipctl_sentinels_refusing 2',
      'vipctl_last_failover_bind_latency_seconds{master="mymaster"} 0.042',
    ]) {
      expect(text).toContain(line);
    }
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  } finally {
    await m.close();
  }
});

it('vipctl_log_write_errors_total: the log writes that failed in this process, read at each scrape', async () => {
  const { openSync } = await import('node:fs');
  const { LogSink, logWriteErrors } = await import('../../src/adapters/log-sink');
  const port = await freePort();
  const m = await startMetrics({ host: '127.0.0.1', port });
  const scrape = async (): Promise<number> => Number((await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).match(/^vipctl_log_write_errors_total (\d+)$/m)?.[1]);
  try {
    expect(await scrape()).toBe(logWriteErrors());
    let clock = 0;
    // every write to /dev/full fails (ENOSPC); the sink tries the file again each RETRY_MS
    const sink = new LogSink({ file: '/dev/full', stderr: false, stderrFd: openSync('/dev/null', 'w'), now: () => (clock += 10_000), openFile: () => openSync('/dev/full', 'w') });
    const before = await scrape();
    sink.write('{"a":1}\n');
    sink.write('{"a":2}\n');
    expect(await scrape()).toBe(before + 2);
  } finally {
    await m.close();
  }
});

it('vipctl_build_info, the default process metrics under vipctl_, counters at 0 from the start, an index page at /', async () => {
  const { version } = await import('../../package.json');
  const { COMMIT } = await import('../../src/core/version');
  const port = await freePort();
  const m = await startMetrics({ host: '127.0.0.1', port }, { masters: ['m1', 'm2'] });
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toContain(`vipctl_build_info{version="${version}",commit="${COMMIT}"} 1`);
    expect(text).toMatch(/^vipctl_process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^vipctl_nodejs_eventloop_lag_seconds /m);
    for (const master of ['m1', 'm2']) {
      expect(text).toContain(`vipctl_reconcile_errors_total{master="${master}"} 0`);
      expect(text).toContain(`vipctl_reconcile_passes_total{master="${master}"} 0`);
    }
    // a master named later gets its counters at 0 the first time it is named
    m.fenced('m3', false);
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain('vipctl_reconcile_errors_total{master="m3"} 0');
    const index = await fetch(`http://127.0.0.1:${port}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(await index.text()).toContain('<a href="/metrics">');
  } finally {
    await m.close();
  }
});

it('bindLatency: the failover gauge only for failover binds, another gauge for the rest', async () => {
  const port = await freePort();
  const m = await startMetrics({ host: '127.0.0.1', port });
  try {
    m.bindLatency('mymaster', 5);
    m.bindLatency('mymaster', 1200, 'other');
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toContain('vipctl_last_failover_bind_latency_seconds{master="mymaster"} 0.005');
    expect(text).toContain('vipctl_last_other_bind_latency_seconds{master="mymaster"} 1.2');
    m.bindLatency('mymaster', 7, 'failover');
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain('vipctl_last_failover_bind_latency_seconds{master="mymaster"} 0.007');
  } finally {
    await m.close();
  }
});
