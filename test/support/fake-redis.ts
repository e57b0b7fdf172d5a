/**
 * A tiny RESP2 server for adapter tests: answers each command with what
 * `reply(argv, conn)` returns (a RESP-encoded string), or closes the
 * connection when it returns 'close'. Counts connections. HELLO is refused
 * as an old Redis would, so ioredis (RESP3 first) falls back to RESP2.
 */
import net from 'node:net';

export type Reply = string | 'close' | null;

export function bulk(s: string): string {
  return `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
}

export function array(items: string[]): string {
  return `*${items.length}\r\n${items.join('')}`;
}

/** Parse complete RESP arrays of bulk strings from a buffer; returns the commands and the rest. */
function parse(buf: string): { cmds: string[][]; rest: string } {
  const cmds: string[][] = [];
  let i = 0;
  for (;;) {
    if (buf[i] !== '*') break;
    const nl = buf.indexOf('\r\n', i);
    if (nl < 0) break;
    const n = Number(buf.slice(i + 1, nl));
    let j = nl + 2;
    const argv: string[] = [];
    let complete = true;
    for (let k = 0; k < n; k++) {
      const nl2 = buf.indexOf('\r\n', j);
      if (nl2 < 0 || buf[j] !== '$') {
        complete = false;
        break;
      }
      const len = Number(buf.slice(j + 1, nl2));
      if (buf.length < nl2 + 2 + len + 2) {
        complete = false;
        break;
      }
      argv.push(buf.slice(nl2 + 2, nl2 + 2 + len));
      j = nl2 + 2 + len + 2;
    }
    if (!complete) break;
    cmds.push(argv);
    i = j;
  }
  return { cmds, rest: buf.slice(i) };
}

export interface FakeRedis {
  port: number;
  connections: number;
  commands: string[][];
  close(): Promise<void>;
}

export async function fakeRedis(reply: (argv: string[], connection: number) => Reply): Promise<FakeRedis> {
  const sockets = new Set<net.Socket>();
  const state: FakeRedis = { port: 0, connections: 0, commands: [], close: async () => {} };
  const server = net.createServer((sock) => {
    const id = ++state.connections;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let buf = '';
    sock.setEncoding('utf8').on('data', (d: string) => {
      const r = parse(buf + d);
      buf = r.rest;
      for (const argv of r.cmds) {
        if (argv[0]?.toUpperCase() === 'HELLO') {
          sock.write("-ERR unknown command 'HELLO'\r\n");
          continue;
        }
        state.commands.push(argv);
        const out = reply(argv, id);
        if (out === 'close') {
          sock.destroy();
          return;
        }
        if (out !== null) sock.write(out);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.port = (server.address() as net.AddressInfo).port;
  state.close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return state;
}
