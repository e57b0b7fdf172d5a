/**
 * The lab's TLS (`lab up --tls`): a CA, a server certificate per node (IP
 * SANs: the node's address and the VIP, since clients reach Redis through
 * it; serverAuth and clientAuth, since Redis and Sentinel also connect out
 * with it), and a client certificate for vipctl, redis-cli and the demo's
 * probe, all made with openssl (argv arrays) at lab start-up in
 * `<lab dir>/tls/`. Redis and Sentinel then listen on TLS only (`port 0`)
 * and want a client certificate (`tls-auth-clients yes`).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VipctlError } from '../core/errors';
import { describeFailure, ok, run } from '../adapters/run';
import type { LabHost } from './topology';

export const LAB_CERT_DAYS = 7;

/** The files of one lab's TLS directory. */
export function labTlsFiles(tlsDir: string): { ca: string; cert: string; key: string } {
  return { ca: join(tlsDir, 'ca.pem'), cert: join(tlsDir, 'client.pem'), key: join(tlsDir, 'client.key') };
}

async function openssl(args: string[]): Promise<void> {
  const r = await run(['openssl', ...args], { timeoutMs: 30_000 });
  if (!ok(r)) throw new VipctlError('LAB', `openssl ${args[0]}: ${describeFailure(r)}`);
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A self-signed CA: `<dir>/<name>.pem` and `.key`. */
export async function makeCa(dir: string, name: string): Promise<{ cert: string; key: string }> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  await openssl(['req', '-x509', ...EC, '-keyout', key, '-out', cert, '-days', String(LAB_CERT_DAYS), '-subj', `/CN=vipctl lab ${name}`]);
  return { cert, key };
}

/** A leaf certificate signed by the CA: `<dir>/<name>.pem` and `.key`, with the given subjectAltName (or none). */
async function makeLeaf(dir: string, name: string, ca: { cert: string; key: string }, sans: string[]): Promise<void> {
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, [...(sans.length > 0 ? [`subjectAltName=${sans.join(',')}`] : []), 'basicConstraints=critical,CA:FALSE', 'extendedKeyUsage=serverAuth,clientAuth', ''].join('\n'));
  await openssl(['req', ...EC, '-keyout', join(dir, `${name}.key`), '-out', csr, '-subj', `/CN=${name}`]);
  // a serial of its own: the leaves are signed in parallel, and -CAcreateserial's shared ca.srl
  // was read half-written by one while another wrote it ("a2i_ASN1_INTEGER: short line")
  const serial = randomBytes(8);
  serial[0] = serial[0]! & 0x7f; // positive
  await openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-set_serial', `0x${serial.toString('hex')}`, '-out', join(dir, `${name}.pem`), '-days', String(LAB_CERT_DAYS), '-extfile', ext]);
}

/** The lab's CA, one certificate per node (its IP and the VIP) and the client certificate. */
export async function makeLabCerts(tlsDir: string, nodes: readonly LabHost[], vip: string): Promise<void> {
  const ca = await makeCa(tlsDir, 'ca');
  await Promise.all(nodes.map((n) => makeLeaf(tlsDir, n.name, ca, [`IP:${n.ip}`, `IP:${vip}`])));
  await makeLeaf(tlsDir, 'client', ca, []);
}

/** redis.conf / sentinel.conf lines: TLS only, on the usual port; client certificates required; TLS to the other instances too. */
export function tlsConfLines(tlsDir: string, node: LabHost, port: number): string[] {
  return [
    'port 0',
    `tls-port ${port}`,
    `tls-cert-file ${join(tlsDir, `${node.name}.pem`)}`,
    `tls-key-file ${join(tlsDir, `${node.name}.key`)}`,
    `tls-ca-cert-file ${join(tlsDir, 'ca.pem')}`,
    'tls-auth-clients yes',
    // replication, and Sentinel's own links to Redis and to the other Sentinels
    'tls-replication yes',
  ];
}

/** vipctl.yaml's `tls:` block for one side (indented under `sentinel:` or `redis:`). */
export function tlsYaml(tlsDir: string): string[] {
  const f = labTlsFiles(tlsDir);
  return ['  tls:', `    ca: ${f.ca}`, `    cert: ${f.cert}`, `    key: ${f.key}`];
}

/** redis-cli's TLS flags with the client certificate. */
export function redisCliTlsArgs(tlsDir: string): string[] {
  const f = labTlsFiles(tlsDir);
  return ['--tls', '--cacert', f.ca, '--cert', f.cert, '--key', f.key];
}
