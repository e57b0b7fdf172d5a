/** SharedViews: one batch of Sentinel queries for every master asking in the same turn; early answers per master. */
import { expect, it } from 'vitest';
import { SharedViews } from '../../src/watch/views';
import type { SentinelMasters } from '../../src/core/sentinel-masters';

type Resolver = (r: SentinelMasters) => void;

function fake(total = 3) {
  const sent: Resolver[][] = [];
  const replies: string[] = [];
  const views = new SharedViews({
    total,
    query: () => {
      const batch: Resolver[] = [];
      sent.push(batch);
      return Array.from({ length: total }, () => new Promise<SentinelMasters>((r) => batch.push(r)));
    },
    onReply: (r) => replies.push(r.sentinel),
  });
  return { views, sent, replies };
}
const reply = (sentinel: string, masters: Record<string, string> | null): SentinelMasters => ({
  sentinel,
  masters: masters && new Map(Object.entries(masters).map(([name, address]) => [name, { name, address, flags: [], downAfterMs: null, failoverTimeoutMs: null }])),
  ...(masters ? {} : { error: 'down' }),
});
const turn = () => new Promise((r) => setImmediate(r));

it('fifty masters asking in one turn share one query per Sentinel', async () => {
  const { views, sent } = fake();
  const names = Array.from({ length: 50 }, (_, i) => `m${i}`);
  const all = Promise.all(names.map((n) => views.view(n)));
  await turn();
  expect(sent).toHaveLength(1);
  const masters = Object.fromEntries(names.map((n, i) => [n, `10.0.0.${i + 1}:6379`]));
  sent[0]!.forEach((r, i) => r(reply(`s${i}`, masters)));
  const got = await all;
  expect(got.map((v) => v.master)).toEqual(names.map((_, i) => `10.0.0.${i + 1}:6379`));
  expect(views.batches).toBe(1);
});

it('a master settles as soon as a majority agrees; another waits for the rest', async () => {
  const { views, sent, replies } = fake();
  let a: unknown = 'pending';
  let b: unknown = 'pending';
  void views.view('a').then((v) => (a = v.master));
  void views.view('b').then((v) => (b = v.master));
  await turn();
  sent[0]![0]!(reply('s1', { a: 'A', b: 'B1' }));
  sent[0]![1]!(reply('s2', { a: 'A', b: 'B2' }));
  await turn();
  expect(a).toBe('A');
  expect(b).toBe('pending');
  sent[0]![2]!(reply('s3', null));
  await turn();
  expect(b).toBeNull();
  expect(replies).toEqual(['s1', 's2', 's3']);
});

it('a request while a batch is in flight is not served by it: it starts the next batch at once', async () => {
  const { views, sent } = fake();
  const first = views.view('a');
  await turn();
  const second = views.view('a');
  await turn();
  expect(sent).toHaveLength(2); // not waiting for the first batch
  sent[1]!.forEach((r, i) => r(reply(`s${i}`, { a: 'NEW' })));
  expect((await second).master).toBe('NEW');
  sent[0]!.forEach((r, i) => r(reply(`s${i}`, { a: 'OLD' })));
  expect((await first).master).toBe('OLD');
});

it('JoinNext: requests in one turn share one call started after them; a call in flight is not joined', async () => {
  const { JoinNext } = await import('../../src/pass/join-next');
  let n = 0;
  const release: Array<() => void> = [];
  const j = new JoinNext(() => new Promise<number>((r) => release.push(() => r(++n))));
  const a = j.get();
  const b = j.get();
  await turn();
  expect(j.calls).toBe(1);
  const c = j.get(); // the first call is in flight: a new one
  await turn();
  expect(j.calls).toBe(2);
  release.forEach((r) => r());
  expect(await a).toBe(1);
  expect(await b).toBe(1);
  expect(await c).toBe(2);
});

it('answers after a view settled add to its counts, not to its master: all three agreeing say 3/3', async () => {
  const { views, sent } = fake();
  const got = views.view('a');
  await turn();
  sent[0]![0]!(reply('s1', { a: 'A' }));
  sent[0]![1]!(reply('s2', { a: 'A' }));
  const v = await got;
  expect([v.master, v.agreeing, v.answers.length]).toEqual(['A', 2, 2]);
  sent[0]![2]!(reply('s3', { a: 'A' }));
  await turn();
  expect([v.master, v.agreeing, v.answers.length]).toEqual(['A', 3, 3]);
});

it('a late answer that disagrees changes neither the master nor the count of those agreeing', async () => {
  const { views, sent } = fake();
  const got = views.view('a');
  await turn();
  sent[0]![0]!(reply('s1', { a: 'A' }));
  sent[0]![1]!(reply('s2', { a: 'A' }));
  const v = await got;
  sent[0]![2]!(reply('s3', { a: 'B' }));
  await turn();
  expect([v.master, v.agreeing, v.answers.length]).toEqual(['A', 2, 3]);
});
