/** `vipctl lab up | down | failover | demo`: the namespace lab from the command line. */
import { VipctlError } from '../core/errors';
import { DEFAULT_LAB_DIR, Lab, type FailoverKind, type LabMode } from '../lab/lab';
import { ensureLabPrereqs } from '../lab/prereqs';
import { redisCliTlsArgs } from '../lab/tls';
import { LAB_MASTER_NAME, LAB_REDIS_PASSWORD, LAB_SENTINEL_PASSWORD, REDIS_PORT, SENTINEL_PORT } from '../lab/topology';

export interface LabCommandOptions {
  id?: string;
  dir?: string;
  json?: boolean;
}

/** Progress lines, each as it happens, stamped with the seconds since the command started. */
export function say(json: boolean | undefined, started = performance.now()): (line: string) => void {
  // With --json, stdout is for the JSON document only; progress goes to stderr.
  return (line) => (json ? process.stderr : process.stdout).write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);
}

export async function labUp(o: LabCommandOptions & { mode?: LabMode; tls?: boolean; ipv6?: boolean; masters?: number; hostnames?: boolean }): Promise<number> {
  const out = say(o.json);
  await ensureLabPrereqs(out);
  const lab = await Lab.up({ id: o.id ?? 'demo', baseDir: o.dir ?? DEFAULT_LAB_DIR, mode: o.mode ?? 'watch', tls: o.tls === true, ...(o.ipv6 ? { ipv6: true } : {}), masters: o.masters ?? 1, ...(o.hostnames ? { hostnames: true } : {}), progress: out });
  const t = lab.topo;
  const tls = lab.tlsDir ? ` ${redisCliTlsArgs(lab.tlsDir).join(' ')}` : '';
  const c = t.client.ns;
  out(`lab ${lab.id} is up (state in ${lab.dir}). Try:`);
  out(`  ip netns exec ${c} redis-cli${tls} -h ${t.vip} -p ${REDIS_PORT} --pass ${LAB_REDIS_PASSWORD} --no-auth-warning INFO replication   # through the VIP`);
  out(`  ip netns exec ${c} redis-cli${tls} -h ${t.nodes[0]!.ip} -p ${SENTINEL_PORT} --pass ${LAB_SENTINEL_PASSWORD} --no-auth-warning SENTINEL GET-MASTER-ADDR-BY-NAME ${LAB_MASTER_NAME}`);
  const n1 = t.nodes[0]!;
  const env = Object.entries(lab.nodeEnv(n1)).map(([k, v]) => `${k}=${v}`).join(' ');
  out(`  ip netns exec ${n1.ns} env ${env} ${lab.hookPath} reconcile --dry-run`);
  out(`  tail -f ${lab.dir}/n*/vipctl.log                        # vipctl's JSON log, one file per node`);
  out(`  ${lab.hookPath} lab failover --id ${lab.id} --kind sigkill   # then: lab heal, lab down --id ${lab.id}`);
  if (lab.masters.length > 1) out(`  ${lab.masters.length} masters: ${lab.masters.map((m) => `${m.name} :${m.port} VIP ${m.vip}`).slice(0, 5).join(', ')}${lab.masters.length > 5 ? ', ...' : ''} (lab failover --master NAME)`);
  if (o.json) process.stdout.write(`${JSON.stringify({ id: lab.id, dir: lab.dir, vip: t.vip, nodes: t.nodes, client: t.client, masters: lab.masters })}\n`);
  return 0;
}

export async function labDown(o: LabCommandOptions & { all?: boolean }): Promise<number> {
  const out = say(o.json);
  const baseDir = o.dir ?? DEFAULT_LAB_DIR;
  const ids = o.all ? Lab.list(baseDir) : [o.id ?? 'demo'];
  if (!o.all && !Lab.list(baseDir).includes(ids[0]!)) {
    out(`no lab "${ids[0]}" in ${baseDir}: nothing to do`);
    return 0;
  }
  let code = 0;
  for (const id of ids) {
    try {
      await Lab.load(id, baseDir, out).down();
    } catch (e) {
      // one lab that is not provably ours (say a planted state file) must not stop the others
      if (!(e instanceof VipctlError) || !o.all) throw e;
      process.stderr.write(`vipctl: ${e.message}\n`);
      code = Math.max(code, e.exitCode);
    }
  }
  if (ids.length === 0) out(`no labs in ${baseDir}: nothing to do`);
  return code;
}

export async function labFailover(o: LabCommandOptions & { kind?: FailoverKind; master?: string }): Promise<number> {
  const out = say(o.json);
  const lab = Lab.load(o.id ?? 'demo', o.dir ?? DEFAULT_LAB_DIR, out);
  const m = o.master === undefined ? lab.master(0) : lab.masters.find((x) => x.name === o.master);
  if (!m) throw new VipctlError('USAGE', `lab ${lab.id} has no master ${JSON.stringify(o.master)} (it has ${lab.masters.map((x) => x.name).join(', ')})`, { key: 'master' });
  const f = await lab.failover(o.kind ?? 'sigkill', m.index);
  out(`${f.kind} on ${f.node.name} (${f.node.ip}), the master of ${m.name}, at ${new Date(f.at).toISOString()}`);
  return 0;
}

export async function labHeal(o: LabCommandOptions): Promise<number> {
  const out = say(o.json);
  const lab = Lab.load(o.id ?? 'demo', o.dir ?? DEFAULT_LAB_DIR, out);
  const done = await lab.healAll();
  out(done.length === 0 ? 'nothing to heal: every link is up and every redis-server runs' : `healed ${done.join('; ')}`);
  return 0;
}

export async function labDemo(o: LabCommandOptions & { kind?: FailoverKind; mode?: LabMode; compare?: boolean; tls?: boolean }): Promise<number> {
  const out = say(o.json);
  const kind = o.kind ?? 'sigkill';
  await ensureLabPrereqs(out);
  const { runDemo, runComparison } = await import('../lab/demo');
  const { formatComparison, formatTimeline } = await import('../lab/timeline');
  const id = o.id ?? 'demo';
  const baseDir = o.dir ?? DEFAULT_LAB_DIR;
  if (Lab.list(baseDir).includes(id)) {
    out(`removing a leftover lab "${id}" first`);
    await Lab.load(id, baseDir, out).down();
  }
  // Ctrl-C, a kill or a closed pipe must not leave the lab behind.
  process.stdout.on('error', () => {});
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\n${signal}: tearing the lab down\n`);
    const left = Lab.list(baseDir).includes(id) ? Lab.load(id, baseDir).down() : Promise.resolve();
    void left.finally(() => process.exit(128 + (signal === 'SIGINT' ? 2 : 15)));
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal).once('SIGHUP', onSignal);
  if (o.compare) {
    const runs = await runComparison({ id, baseDir, kind, progress: out });
    if (o.json) process.stdout.write(`${JSON.stringify({ kind, runs })}\n`);
    else process.stdout.write(`${[...runs.flatMap((t) => [...formatTimeline(t), '']), ...formatComparison(runs)].join('\n')}\n`);
    return 0;
  }
  const timeline = await runDemo({ id, baseDir, kind, mode: o.mode ?? 'watch', tls: o.tls === true, progress: out });
  if (o.json) process.stdout.write(`${JSON.stringify(timeline)}\n`);
  else process.stdout.write(`${formatTimeline(timeline).join('\n')}\n`);
  return 0;
}

export async function labProbe(o: { sentinels: string; vip: string; port: string; every: string; roles?: string; tls?: string }): Promise<number> {
  const { runProbe } = await import('../lab/probe');
  const stop = await runProbe({
    sentinels: o.sentinels.split(','),
    vip: o.vip,
    port: Number(o.port),
    everyMs: Number(o.every),
    roles: o.roles ? o.roles.split(',') : [],
    ...(o.tls ? { tlsDir: o.tls } : {}),
    emit: (e) => process.stdout.write(`${JSON.stringify(e)}\n`),
  });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await stop();
  return 0;
}

export async function labStatusCommand(o: LabCommandOptions): Promise<number> {
  const { formatLabStatus, labStatus } = await import('../lab/status');
  const { useColour } = await import('../core/table');
  const s = await labStatus(Lab.load(o.id ?? 'demo', o.dir ?? DEFAULT_LAB_DIR));
  if (o.json) process.stdout.write(`${JSON.stringify(s)}\n`);
  else process.stdout.write(`${formatLabStatus(s, useColour(process.stdout.isTTY === true, process.env)).join('\n')}\n`);
  return 0;
}
