/**
 * docs/install.md's daemon steps, followed as written, in package.root.test.ts:
 * the commands are read from the docs (so that a test that passes means the
 * text works), and `systemctl enable --now vipctl-watch` is done the way
 * systemd would start the installed unit (no systemd runs here): its User=,
 * Group=, capabilities, NoNewPrivileges=, UMask=, Environment= and
 * RuntimeDirectory= (vipctl:vipctl 0755, systemd's default mode), read from
 * the root's /lib/systemd/system/vipctl-watch.service.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO = new URL('../..', import.meta.url).pathname;

/** The daemon section of docs/install.md ("With the daemon (recommended)", up to the next heading). */
export function daemonSteps(): string {
  const text = readFileSync(join(REPO, 'docs/install.md'), 'utf8');
  const start = text.indexOf('### With the daemon (recommended)');
  if (start < 0) throw new Error('docs/install.md has no "With the daemon (recommended)" section');
  const end = text.indexOf('\n### ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

/** The inline commands (`...`) of the section's step `n` ("n. ..." up to the next step). */
export function stepCommands(section: string, n: number): string[] {
  const m = new RegExp(`^${n}\\. ([\\s\\S]*?)(?=^\\d+\\. |(?![\\s\\S]))`, 'm').exec(section);
  if (!m) throw new Error(`no step ${n} in the daemon section`);
  return [...m[1]!.matchAll(/`([^`]+)`/g)].map((c) => c[1]!.replace(/\s+/g, ' '));
}

export interface UnitService {
  user: string;
  group: string;
  ambient: string[];
  bounding: string[];
  noNewPrivileges: boolean;
  umask: string;
  env: string[];
  execStart: string[];
  runtimeDirectory: string | null;
}

/** The [Service] settings of a unit file that decide how its process starts. */
export function parseService(unit: string): UnitService {
  const values = (key: string): string[] => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]!.trim());
  const one = (key: string): string | undefined => values(key).at(-1);
  const caps = (key: string): string[] => (one(key) ?? '').split(/\s+/).filter(Boolean).map((c) => c.replace(/^CAP_/i, '').toLowerCase());
  const exec = one('ExecStart');
  if (!exec) throw new Error('the unit has no ExecStart=');
  return {
    user: one('User') ?? 'root',
    group: one('Group') ?? one('User') ?? 'root',
    ambient: caps('AmbientCapabilities'),
    bounding: caps('CapabilityBoundingSet'),
    noNewPrivileges: /^(yes|true)$/i.test(one('NoNewPrivileges') ?? ''),
    umask: one('UMask') ?? '0022',
    env: values('Environment'),
    execStart: exec.split(/\s+/),
    runtimeDirectory: one('RuntimeDirectory') ?? null,
  };
}

/**
 * The argv (to run inside the root, in a node's namespace) that starts the
 * unit's process as systemd would: setpriv for the user, groups and
 * capabilities, the unit's environment only, its umask.
 */
export function serviceArgv(s: UnitService): string[] {
  const list = (c: string[]): string => c.map((x) => `+${x}`).join(',');
  return [
    'setpriv',
    `--reuid=${s.user}`,
    `--regid=${s.group}`,
    '--init-groups',
    ...(s.ambient.length ? [`--inh-caps=${list(s.ambient)}`, `--ambient-caps=${list(s.ambient)}`] : []),
    ...(s.bounding.length ? [`--bounding-set=-all,${list(s.bounding)}`] : []),
    ...(s.noNewPrivileges ? ['--no-new-privs'] : []),
    'env',
    '-i',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    ...s.env,
    'sh',
    '-c',
    'umask "$0"; exec "$@"',
    s.umask,
    ...s.execStart,
  ];
}

/** An operator's login shell in the root: the given user (root: no setpriv), a clean environment. */
export function shellArgv(user: 'root' | string, argv: string[]): string[] {
  const env = ['env', '-i', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'LANG=C.UTF-8'];
  return user === 'root' ? [...env, ...argv] : ['setpriv', `--reuid=${user}`, `--regid=${user}`, '--init-groups', ...env, ...argv];
}
