import { expect, it } from 'vitest';
import { ReplyGuard } from '../../src/core/resp-guard';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const bulk = (s: string): string => `$${s.length}\r\n${s}\r\n`;
const arr = (items: string[]): string => `*${items.length}\r\n${items.join('')}`;

/** Feed `text` in pieces of `size` bytes; the first refusal, or null. */
function feed(g: ReplyGuard, text: string, size: number): string | null {
  for (let i = 0; i < text.length; i += size) {
    const why = g.write(b(text.slice(i, i + size)));
    if (why !== null) return why;
  }
  return null;
}

it('lets every normal reply through, whole or byte by byte, RESP2 and RESP3', () => {
  const masters = arr(Array.from({ length: 50 }, (_, i) => arr(['name', `m${i}`, 'ip', '198.18.0.11', 'port', '6379', 'flags', 'master'].map(bulk))));
  const replies = [
    '+OK\r\n',
    '-ERR nope\r\n',
    ':42\r\n',
    '$-1\r\n',
    '*-1\r\n',
    '*0\r\n',
    bulk(''),
    masters,
    arr([bulk('message'), bulk('+switch-master'), bulk('mymaster 198.18.0.11 6379 198.18.0.12 6379')]),
    '%2\r\n+server\r\n+redis\r\n+proto\r\n:3\r\n',
    '>3\r\n$7\r\nmessage\r\n$4\r\nchan\r\n$1\r\nx\r\n',
    '~2\r\n:1\r\n:2\r\n',
    '=15\r\ntxt:Some string\r\n',
    '_\r\n#t\r\n,1.5\r\n(123\r\n',
  ].join('');
  for (const size of [1, 7, 4096, replies.length]) expect(feed(new ReplyGuard(64 * 1024), replies, size)).toBeNull();
});

it('counts each reply on its own: many small replies add up to no limit', () => {
  const g = new ReplyGuard(1000);
  const reply = arr(['a'.repeat(300), 'b'.repeat(300)].map(bulk));
  for (let i = 0; i < 100; i++) expect(g.write(b(reply))).toBeNull();
});

it('refuses a header that promises more than the cap, before its bytes arrive', () => {
  expect(new ReplyGuard(1024 * 1024).write(b('$4000000000\r\n'))).toMatch(/^reply over 1048576 bytes \(a 4000000000-byte string\)/);
  expect(new ReplyGuard(1024 * 1024).write(b('*100000000\r\n'))).toMatch(/an aggregate of 100000000 elements/);
  expect(new ReplyGuard(1024 * 1024).write(b('%600000\r\n'))).toMatch(/an aggregate of 1200000 elements/);
  // nested: the outer reply's room shrinks as it fills
  const g = new ReplyGuard(1000);
  expect(g.write(b(`*2\r\n${bulk('x'.repeat(900))}`))).toBeNull();
  expect(g.write(b('$200\r\n'))).toMatch(/a 200-byte string/);
  expect(new ReplyGuard().write(b('$-5\r\n'))).toMatch(/bad length/);
});

it('refuses a reply that grows past the cap piece by piece (an endless line, endless elements), and stays refused', () => {
  const line = new ReplyGuard(1000);
  expect(feed(line, `+${'x'.repeat(999)}`, 100)).toBeNull();
  expect(line.write(b('xx'))).toMatch(/^reply over 1000 bytes/);
  expect(line.write(b('+OK\r\n'))).toMatch(/^reply over 1000 bytes/);
  const many = new ReplyGuard(1000);
  expect(feed(many, `*300\r\n${':1\r\n'.repeat(300)}`, 50)).toMatch(/^reply over 1000 bytes/);
});
