import { thrownVipctlError } from '../support/errors';
import { describe, expect, it } from 'vitest';
import { pickMaster, validateConfig, type Config, type ConfigEnv } from '../../src/core/config';
import { VipctlError } from '../../src/core/errors';

/** A fresh minimal valid document (callers may mutate it). */
function minimal(): Record<string, any> {
  return {
    sentinel: { addresses: ['10.0.0.11:26379', '10.0.0.12:26379', '10.0.0.13:26379'] },
    masters: { mymaster: { vip: '10.0.0.100/24' } },
  };
}

function withDoc(patch: (doc: Record<string, any>) => void): Record<string, any> {
  const doc = minimal();
  patch(doc);
  return doc;
}

/** The CONFIG error `validateConfig` throws, or a test failure. */
function configError(doc: unknown, env: ConfigEnv = {}, source?: string): VipctlError {
  return thrownVipctlError(() => validateConfig(doc, env, source), 'CONFIG', 2);
}

describe('validateConfig: valid documents', () => {
  it('fills every default into a minimal config', () => {
    const c = validateConfig(minimal());
    expect(c.sentinel).toEqual({
      addresses: [
        { host: '10.0.0.11', port: 26379 },
        { host: '10.0.0.12', port: 26379 },
        { host: '10.0.0.13', port: 26379 },
      ],
    });
    expect([...c.masters.entries()]).toEqual([
      ['mymaster', { name: 'mymaster', vip: { address: '10.0.0.100', prefix: 24, family: 4, text: '10.0.0.100/24' } }],
    ]);
    expect(c.masters.get('mymaster')).not.toHaveProperty('interface');
    expect(c.announce).toEqual({ count: 5, intervalSeconds: 1, mode: 'request' });
    expect(c.log).toEqual({ file: '/var/log/vipctl/vipctl.log', level: 'info' });
    expect(c.runDir).toBe('/run/vipctl');
    expect(c.lockTimeoutMs).toBe(10_000);
    expect(c.redis).toEqual({});
    expect(c.watch).toEqual({ intervalMs: 1000, fenceAfterMs: 'auto', rolePollMs: 5, sentinelPingMs: 100, queryTimeoutMs: 500, conflictProbeMs: 5000 });
    expect(c.metrics).toBeNull();
  });

  it('reads the redis, watch and metrics sections', () => {
    const c = validateConfig(
      withDoc((d) => {
        d.redis = { password: 'rp', username: 'default' };
        d.watch = { intervalMs: 250, fenceAfterMs: 0 };
        d.metrics = { listen: '127.0.0.1:9477' };
      }),
    );
    expect(c.redis).toEqual({ password: 'rp', username: 'default' });
    expect(c.watch).toEqual({ intervalMs: 250, fenceAfterMs: 0, rolePollMs: 5, sentinelPingMs: 100, queryTimeoutMs: 500, conflictProbeMs: 5000 });
    expect(c.metrics).toEqual({ listen: { host: '127.0.0.1', port: 9477 } });
    expect(validateConfig(withDoc((d) => (d.watch = { fenceAfterMs: 'auto' }))).watch.fenceAfterMs).toBe('auto');
    expect(validateConfig(withDoc((d) => (d.watch = { fenceAfterMs: 3000 }))).watch).toEqual({ intervalMs: 1000, fenceAfterMs: 3000, rolePollMs: 5, sentinelPingMs: 100, queryTimeoutMs: 500, conflictProbeMs: 5000 });
  });

  it('reads an optional section left empty (every key commented out) as its defaults', () => {
    const c = validateConfig(withDoc((d) => Object.assign(d, { redis: null, watch: null, metrics: null, announce: null, log: null })));
    expect(c.redis).toEqual({});
    expect(c.watch).toEqual({ intervalMs: 1000, fenceAfterMs: 'auto', rolePollMs: 5, sentinelPingMs: 100, queryTimeoutMs: 500, conflictProbeMs: 5000 });
    expect(c.metrics).toBeNull();
    expect(c.announce.count).toBe(5);
    expect(c.log.level).toBe('info');
  });

  it('takes the redis password from $VIPCTL_REDIS_PASSWORD over the file', () => {
    expect(validateConfig(withDoc((d) => (d.redis = { password: 'file' })), { VIPCTL_REDIS_PASSWORD: 'env' }).redis.password).toBe('env');
    expect(validateConfig(minimal(), { VIPCTL_REDIS_PASSWORD: 'env' }).redis).toEqual({ password: 'env' });
    expect(validateConfig(withDoc((d) => (d.redis = { password: 'file' })), { VIPCTL_REDIS_PASSWORD: '' }).redis.password).toBe('file');
  });

  it('keeps every explicitly set value', () => {
    const c = validateConfig({
      sentinel: { addresses: ['[fd00::11]:26380', 'sentinel-2.example:26381'], password: 'secret', username: 'vipctl' },
      masters: {
        a: { vip: '10.0.0.100/24', interface: 'eth1' },
        b: { vip: '10.0.1.100/23', interface: 'bond0.100' },
      },
      announce: { count: 0, intervalSeconds: 3, mode: 'reply' },
      log: { file: null, level: 'debug' },
      runDir: '/tmp/vipctl-run',
      lockTimeoutMs: 0,
    });
    expect(c.sentinel).toEqual({
      addresses: [
        { host: 'fd00::11', port: 26380 },
        { host: 'sentinel-2.example', port: 26381 },
      ],
      password: 'secret',
      username: 'vipctl',
    });
    expect(c.masters.get('a')).toEqual({ name: 'a', vip: { address: '10.0.0.100', prefix: 24, family: 4, text: '10.0.0.100/24' }, interface: 'eth1' });
    expect(c.masters.get('b')?.interface).toBe('bond0.100');
    expect(c.masters.get('b')?.vip.text).toBe('10.0.1.100/23');
    expect(c.announce).toEqual({ count: 0, intervalSeconds: 3, mode: 'reply' });
    expect(c.log).toEqual({ file: null, level: 'debug' });
    expect(c.runDir).toBe('/tmp/vipctl-run');
    expect(c.lockTimeoutMs).toBe(0);
  });

  it('accepts a /31 and /32 VIP (no network/broadcast address there)', () => {
    const c = validateConfig(
      withDoc((d) => {
        d.masters = { a: { vip: '10.0.0.0/31' }, b: { vip: '10.0.1.255/32' } };
      }),
    );
    expect(c.masters.get('a')?.vip.address).toBe('10.0.0.0');
    expect(c.masters.get('b')?.vip.address).toBe('10.0.1.255');
  });
});

describe('validateConfig: environment overrides', () => {
  it.each<[string, ConfigEnv, { password?: string; file: string | null; runDir: string }]>([
    ['no env', {}, { password: 'fromfile', file: '/var/log/custom.log', runDir: '/run/custom' }],
    ['password', { VIPCTL_SENTINEL_PASSWORD: 'fromenv' }, { password: 'fromenv', file: '/var/log/custom.log', runDir: '/run/custom' }],
    ['empty password keeps the file value', { VIPCTL_SENTINEL_PASSWORD: '' }, { password: 'fromfile', file: '/var/log/custom.log', runDir: '/run/custom' }],
    ['log file', { VIPCTL_LOG_FILE: '/tmp/other.log' }, { password: 'fromfile', file: '/tmp/other.log', runDir: '/run/custom' }],
    ["log file '' disables file logging", { VIPCTL_LOG_FILE: '' }, { password: 'fromfile', file: null, runDir: '/run/custom' }],
    ['run dir', { VIPCTL_RUN_DIR: '/tmp/run' }, { password: 'fromfile', file: '/var/log/custom.log', runDir: '/tmp/run' }],
    ['empty run dir keeps the file value', { VIPCTL_RUN_DIR: '' }, { password: 'fromfile', file: '/var/log/custom.log', runDir: '/run/custom' }],
  ])('%s', (_name, env, expected) => {
    const doc = withDoc((d) => {
      d.sentinel.password = 'fromfile';
      d.log = { file: '/var/log/custom.log' };
      d.runDir = '/run/custom';
    });
    const c = validateConfig(doc, env);
    expect(c.sentinel.password).toBe(expected.password);
    expect(c.log.file).toBe(expected.file);
    expect(c.runDir).toBe(expected.runDir);
  });

  it('sets a password from the environment when the file has none', () => {
    const c = validateConfig(minimal(), { VIPCTL_SENTINEL_PASSWORD: 'fromenv' });
    expect(c.sentinel.password).toBe('fromenv');
    expect(validateConfig(minimal(), {}).sentinel).not.toHaveProperty('password');
  });

  it('overrides the default log file and run dir too', () => {
    const c = validateConfig(minimal(), { VIPCTL_LOG_FILE: '', VIPCTL_RUN_DIR: '/tmp/r' });
    expect(c.log.file).toBeNull();
    expect(c.runDir).toBe('/tmp/r');
  });

  it.each<[string, ConfigEnv, string]>([
    ['a relative $VIPCTL_RUN_DIR', { VIPCTL_RUN_DIR: 'run' }, 'runDir'],
    ['a relative $VIPCTL_LOG_FILE', { VIPCTL_LOG_FILE: '../x.log' }, 'log.file'],
  ])('refuses %s (exit 2, naming the key it overrides)', (_name, env, key) => {
    const err = configError(minimal(), env);
    expect(err.details.key).toBe(key);
    expect(err.details.problems).toEqual([expect.stringMatching(new RegExp(`^${key}: \\$VIPCTL_\\w+ ".*" must be an absolute path`))]);
  });

  it('still rejects a bad config whatever the environment says', () => {
    const err = configError(withDoc((d) => (d.runDir = '')), { VIPCTL_RUN_DIR: '/tmp/r' });
    expect(err.details.problems).toEqual([expect.stringMatching(/^runDir: /)]);
  });
});

describe('validateConfig: one problem', () => {
  it.each<[string, unknown, string]>([
    // unknown keys, with their full path
    ['unknown top-level key', withDoc((d) => (d.extra = 1)), 'extra: unknown key'],
    ['unknown sentinel key', withDoc((d) => (d.sentinel.pasword = 'x')), 'sentinel.pasword: unknown key'],
    ['unknown master key', withDoc((d) => (d.masters.mymaster.vipp = '10.0.0.100/24')), 'masters.mymaster.vipp: unknown key'],
    ['unknown announce key', withDoc((d) => (d.announce = { counts: 3 })), 'announce.counts: unknown key'],
    ['unknown log key', withDoc((d) => (d.log = { path: '/x' })), 'log.path: unknown key'],
    // required keys
    ['missing sentinel', withDoc((d) => delete d.sentinel), 'sentinel: required'],
    ['missing masters', withDoc((d) => delete d.masters), 'masters: required'],
    ['missing sentinel.addresses', withDoc((d) => (d.sentinel = {})), 'sentinel.addresses: required'],
    ['missing vip', withDoc((d) => (d.masters.mymaster = {})), 'masters.mymaster.vip: required'],
    ['empty masters', withDoc((d) => (d.masters = {})), 'masters: needs at least one master'],
    ['empty addresses', withDoc((d) => (d.sentinel.addresses = [])), 'sentinel.addresses: needs at least one Sentinel'],
    // present but wrong: never "required"
    ['vip of the wrong type', withDoc((d) => (d.masters.mymaster.vip = 5)), 'masters.mymaster.vip: Invalid input: expected string, received number'],
    ['masters: null', withDoc((d) => (d.masters = null)), 'masters: Invalid input: expected record, received null'],
    ['a non-integer interval', withDoc((d) => (d.announce = { intervalSeconds: 1.5 })), 'announce.intervalSeconds: Invalid input: expected int, received number'],
    ['top level not a mapping', 'hello', '(top level): Invalid input: expected object, received string'],
  ])('%s', (_name, doc, problem) => {
    const err = configError(doc);
    expect(err.details.problems).toEqual([problem]);
    expect(err.details.key).toBe(problem.split(':')[0]);
    expect(err.message).toContain(problem);
  });

  it.each<[string, unknown, string, RegExp]>([
    ['bad CIDR: no prefix', withDoc((d) => (d.masters.mymaster.vip = '10.0.0.100')), 'masters.mymaster.vip', /CIDR/],
    ['bad CIDR: prefix > 32', withDoc((d) => (d.masters.mymaster.vip = '10.0.0.100/33')), 'masters.mymaster.vip', /CIDR/],
    ['bad CIDR: not an address', withDoc((d) => (d.masters.mymaster.vip = 'vip.example/24')), 'masters.mymaster.vip', /CIDR/],
    ['bad CIDR: octal', withDoc((d) => (d.masters.mymaster.vip = '010.0.0.100/24')), 'masters.mymaster.vip', /CIDR/],
    ['VIP equal to a sentinel host', withDoc((d) => (d.masters.mymaster.vip = '10.0.0.12/24')), 'masters.mymaster.vip', /10\.0\.0\.12 is a node address.*10\.0\.0\.12:26379/],
    ['IPv6 link-local VIP', withDoc((d) => (d.masters.mymaster.vip = 'fe80::100/64')), 'masters.mymaster.vip', /^fe80::100 is a link-local address; an IPv6 VIP must be a unique local/],
    ['IPv6 multicast VIP', withDoc((d) => (d.masters.mymaster.vip = 'ff02::1/64')), 'masters.mymaster.vip', /^ff02::1 is a multicast address/],
    ['IPv6 loopback VIP', withDoc((d) => (d.masters.mymaster.vip = '::1/128')), 'masters.mymaster.vip', /^::1 is a loopback address/],
    ['IPv6 unspecified VIP', withDoc((d) => (d.masters.mymaster.vip = '::/64')), 'masters.mymaster.vip', /^:: is the unspecified address/],
    ['IPv4-mapped VIP', withDoc((d) => (d.masters.mymaster.vip = '::ffff:10.0.0.100/120')), 'masters.mymaster.vip', /^::ffff:a00:64 is an IPv4-mapped address/],
    ['IPv6 VIP equal to an IPv6 sentinel', withDoc((d) => ((d.sentinel.addresses = ['[fd00::11]:26379']), (d.masters.mymaster.vip = 'FD00:0::11/64'))), 'masters.mymaster.vip', /^fd00::11 is a node address/],
    ['network address as VIP', withDoc((d) => (d.masters.mymaster.vip = '10.0.0.0/24')), 'masters.mymaster.vip', /10\.0\.0\.0 is the network or broadcast address of \/24/],
    ['broadcast address as VIP', withDoc((d) => (d.masters.mymaster.vip = '10.0.0.255/24')), 'masters.mymaster.vip', /10\.0\.0\.255 is the network or broadcast address of \/24/],
    ['duplicate VIP across masters', withDoc((d) => (d.masters.other = { vip: '10.0.0.100/16' })), 'masters.other.vip', /10\.0\.0\.100 is also the VIP of master mymaster/],
    ['bad sentinel address', withDoc((d) => (d.sentinel.addresses = ['10.0.0.11'])), 'sentinel.addresses.0', /host:port/],
    ['sentinel port out of range', withDoc((d) => (d.sentinel.addresses = ['10.0.0.11:26379', '10.0.0.12:65536'])), 'sentinel.addresses.1', /host:port/],
    ['octal-looking sentinel host', withDoc((d) => (d.sentinel.addresses = ['010.0.0.11:26379'])), 'sentinel.addresses.0', /host:port/],
    ['the same Sentinel twice', withDoc((d) => (d.sentinel.addresses = ['10.0.0.11:26379', '10.0.0.12:26379', '10.0.0.11:26379'])), 'sentinel.addresses.2', /is the same Sentinel as sentinel\.addresses\.0 .*two votes/],
    ['the same Sentinel as ::ffff:', withDoc((d) => (d.sentinel.addresses = ['10.0.0.11:26379', '[::ffff:10.0.0.11]:26379'])), 'sentinel.addresses.1', /same Sentinel as sentinel\.addresses\.0/],
    ['the same Sentinel, IPv6 spelled twice', withDoc((d) => (d.sentinel.addresses = ['[fd00::11]:26379', '[FD00:0:0::11]:26379'])), 'sentinel.addresses.1', /same Sentinel/],
    ['the same Sentinel by name, case and final dot aside', withDoc((d) => (d.sentinel.addresses = ['n1.lab:26379', 'N1.LAB.:26379'])), 'sentinel.addresses.1', /same Sentinel/],
    ['bad interface name', withDoc((d) => (d.masters.mymaster.interface = 'eth0/x')), 'masters.mymaster.interface', /interface name/],
    ['interface name too long', withDoc((d) => (d.masters.mymaster.interface = 'a'.repeat(16))), 'masters.mymaster.interface', /interface name/],
    ['interface ..', withDoc((d) => (d.masters.mymaster.interface = '..')), 'masters.mymaster.interface', /interface name/],
    ['master name with a space', withDoc((d) => (d.masters = { 'my master': { vip: '10.0.0.100/24' } })), 'masters.my master', /must be a Sentinel master name/],
    ['announce.count < 0', withDoc((d) => (d.announce = { count: -1 })), 'announce.count', />=0/],
    ['announce.count > 100', withDoc((d) => (d.announce = { count: 101 })), 'announce.count', /<=100/],
    ['announce.intervalSeconds 0', withDoc((d) => (d.announce = { intervalSeconds: 0 })), 'announce.intervalSeconds', />=1/],
    ['announce.mode', withDoc((d) => (d.announce = { mode: 'gratuitous' })), 'announce.mode', /"request"\|"reply"/],
    ['log.level', withDoc((d) => (d.log = { level: 'trace' })), 'log.level', /debug/],
    ['log.file empty', withDoc((d) => (d.log = { file: '' })), 'log.file', /.+/],
    ['log.file relative', withDoc((d) => (d.log = { file: 'vipctl.log' })), 'log.file', /must be an absolute path/],
    ['log.file ./relative', withDoc((d) => (d.log = { file: './log/vipctl.log' })), 'log.file', /must be an absolute path/],
    ['runDir relative', withDoc((d) => (d.runDir = 'run/vipctl')), 'runDir', /must be an absolute path/],
    ['runDir empty', withDoc((d) => (d.runDir = '')), 'runDir', /must be an absolute path/],
    ['lockTimeoutMs too big', withDoc((d) => (d.lockTimeoutMs = 60_000)), 'lockTimeoutMs', /<=55000/],
    ['password empty', withDoc((d) => (d.sentinel.password = '')), 'sentinel.password', /.+/],
    ['password a number', withDoc((d) => (d.sentinel.password = 1234)), 'sentinel.password', /expected string, received number/],
    ['unknown redis key', withDoc((d) => (d.redis = { pass: 'x' })), 'redis.pass', /unknown key/],
    ['redis.password empty', withDoc((d) => (d.redis = { password: '' })), 'redis.password', /.+/],
    ['watch.intervalMs too small', withDoc((d) => (d.watch = { intervalMs: 10 })), 'watch.intervalMs', />=50/],
    ['watch.fenceAfterMs a word', withDoc((d) => (d.watch = { fenceAfterMs: 'never' })), 'watch.fenceAfterMs', /.+/],
    ['watch.fenceAfterMs negative', withDoc((d) => (d.watch = { fenceAfterMs: -1 })), 'watch.fenceAfterMs', /.+/],
    ['watch.rolePollMs zero', withDoc((d) => (d.watch = { rolePollMs: 0 })), 'watch.rolePollMs', />=1/],
    ['watch.sentinelPingMs too small', withDoc((d) => (d.watch = { sentinelPingMs: 5 })), 'watch.sentinelPingMs', />=10/],
    ['watch.queryTimeoutMs too large', withDoc((d) => (d.watch = { queryTimeoutMs: 20_000 })), 'watch.queryTimeoutMs', /<=10000/],
    ['metrics.listen without a port', withDoc((d) => (d.metrics = { listen: '127.0.0.1' })), 'metrics.listen', /host:port/],
    ['unknown watch key', withDoc((d) => (d.watch = { interval: 5 })), 'watch.interval', /unknown key/],
  ])('%s', (_name, doc, key, why) => {
    const err = configError(doc);
    expect(err.details.problems).toHaveLength(1);
    const problem = err.details.problems![0]!;
    expect(problem.startsWith(`${key}: `)).toBe(true);
    expect(problem.slice(key.length + 2)).toMatch(why);
    expect(err.details.key).toBe(key);
  });

  it('flags a VIP equal to an IPv6 sentinel address whatever its spelling', () => {
    const err = configError(
      withDoc((d) => {
        d.sentinel.addresses = ['[FD00:0::11]:26379'];
        d.masters.mymaster.vip = 'fd00::11/64';
      }),
    );
    expect(err.details.problems).toEqual([expect.stringMatching(/^masters\.mymaster\.vip: fd00::11 is a node address /)]);
  });

  it.each([
    ['fd00::100/64', 'fd00::100', 64],
    ['FD00:0:0::100/64', 'fd00::100', 64],
    ['2001:db8::100/64', '2001:db8::100', 64],
    ['fd00::100/128', 'fd00::100', 128],
  ])('accepts the IPv6 VIP %s (normalised to %s)', (text, address, prefix) => {
    const c = validateConfig(withDoc((d) => (d.masters.mymaster.vip = text)));
    expect(c.masters.get('mymaster')!.vip).toEqual({ address, prefix, family: 6, text: `${address}/${prefix}` });
  });

  it('names the source in the message', () => {
    const err = configError(withDoc((d) => (d.extra = 1)), {}, '/etc/vipctl/vipctl.yaml');
    expect(err.message).toBe('/etc/vipctl/vipctl.yaml: 1 problem(s): extra: unknown key');
  });
});

describe('validateConfig: several problems at once', () => {
  it('reports every schema problem in one error', () => {
    const err = configError({
      sentinel: { addresses: ['10.0.0.11'], pasword: 'x' },
      masters: { mymaster: { vip: '10.0.0.100', vipp: 1 } },
      announce: { count: 1000 },
      extra: true,
    });
    expect([...err.details.problems!].sort()).toEqual(
      [
        'sentinel.addresses.0: must be host:port (IPv6 as [addr]:port), port 1-65535',
        'sentinel.pasword: unknown key',
        'masters.mymaster.vip: must be an address in CIDR form, e.g. 10.0.0.100/24',
        'masters.mymaster.vipp: unknown key',
        'announce.count: Too big: expected number to be <=100',
        'extra: unknown key',
      ].sort(),
    );
    expect(err.message).toMatch(/^config: 6 problem\(s\): /);
    for (const p of err.details.problems!) expect(err.message).toContain(p);
  });

  it('reports every semantic problem across masters in one error', () => {
    const err = configError({
      sentinel: { addresses: ['10.0.0.11:26379'] },
      masters: {
        a: { vip: '10.0.0.11/24' }, // a node address
        b: { vip: '10.0.0.0/24' }, // network address
        c: { vip: 'fe80::100/64' }, // IPv6 link-local
        d: { vip: '10.0.1.100/24' },
        e: { vip: '10.0.1.100/24' }, // duplicate of d
      },
    });
    expect(err.details.problems).toEqual([
      'masters.a.vip: 10.0.0.11 is a node address (sentinel.addresses has 10.0.0.11:26379); the VIP must be an address no host owns',
      'masters.b.vip: 10.0.0.0 is the network or broadcast address of /24',
      'masters.c.vip: fe80::100 is a link-local address; an IPv6 VIP must be a unique local (fc00::/7) or global unicast address',
      'masters.e.vip: 10.0.1.100 is also the VIP of master d',
    ]);
    expect(err.details.key).toBe('masters.a.vip');
    expect(err.message).toMatch(/^config: 4 problem\(s\): masters\.a\.vip: /);
  });

  it.each([null, undefined, {}])('reports both sentinel and masters as required for %j', (doc) => {
    const err = configError(doc);
    expect(err.details.problems).toEqual(['sentinel: required', 'masters: required']);
    expect(err.details.key).toBe('sentinel');
  });
});

describe('pickMaster', () => {
  const one: Config = validateConfig(minimal());
  const two: Config = validateConfig(
    withDoc((d) => {
      d.masters.cache = { vip: '10.0.0.101/24', interface: 'eth1' };
    }),
  );

  it('picks the only master when no name is given', () => {
    expect(pickMaster(one, undefined)).toBe(one.masters.get('mymaster'));
  });

  it('picks the named master', () => {
    expect(pickMaster(one, 'mymaster').name).toBe('mymaster');
    expect(pickMaster(two, 'cache')).toEqual({ name: 'cache', vip: expect.objectContaining({ address: '10.0.0.101' }), interface: 'eth1' });
    expect(pickMaster(two, 'mymaster').vip.address).toBe('10.0.0.100');
  });

  it('wants a name when there are several masters (USAGE, exit 2)', () => {
    let err: unknown;
    try {
      pickMaster(two, undefined);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VipctlError);
    expect(err).toMatchObject({ code: 'USAGE', exitCode: 2 });
    expect((err as Error).message).toContain('mymaster, cache');
  });

  it.each([
    [() => one, 'other'],
    [() => two, 'MyMaster'],
    [() => one, ''],
  ])('rejects an unknown name (UNKNOWN_MASTER, exit 2) #%#', (cfg, name) => {
    let err: unknown;
    try {
      pickMaster(cfg(), name);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VipctlError);
    expect(err).toMatchObject({ code: 'UNKNOWN_MASTER', exitCode: 2, details: { key: 'master' } });
    expect((err as Error).message).toContain(`unknown master "${name}"`);
  });
});

describe('validateConfig: tls', () => {
  it('reads sentinel.tls and redis.tls (paths only; the files are read when a command connects)', () => {
    const tls = { ca: '/etc/vipctl/ca.pem', cert: '/etc/vipctl/client.pem', key: '/etc/vipctl/client.key', serverName: 'sentinel.example' };
    const c = validateConfig(withDoc((d) => ((d.sentinel.tls = tls), (d.redis = { tls: { ca: '/etc/vipctl/ca.pem' } }))));
    expect(c.sentinel.tls).toEqual(tls);
    expect(c.redis.tls).toEqual({ ca: '/etc/vipctl/ca.pem' });
  });

  it('without the sections, no TLS', () => {
    const c = validateConfig(minimal());
    expect(c.sentinel.tls).toBeUndefined();
    expect(c.redis.tls).toBeUndefined();
  });

  it('an empty section means TLS with the system CAs', () => {
    expect(validateConfig(withDoc((d) => (d.sentinel.tls = {}))).sentinel.tls).toEqual({});
  });

  it.each<[string, unknown, string]>([
    ['relative ca', withDoc((d) => (d.sentinel.tls = { ca: 'ca.pem' })), 'sentinel.tls.ca: must be an absolute path (start with /)'],
    ['relative redis key', withDoc((d) => (d.redis = { tls: { cert: '/c.pem', key: 'k.pem' } })), 'redis.tls.key: must be an absolute path (start with /)'],
    ['unknown tls key', withDoc((d) => (d.sentinel.tls = { cafile: '/ca.pem' })), 'sentinel.tls.cafile: unknown key'],
    ['cert without key', withDoc((d) => (d.sentinel.tls = { cert: '/c.pem' })), 'sentinel.tls.key: required with sentinel.tls.cert (a client certificate needs its key, and the key its certificate)'],
    ['key without cert', withDoc((d) => (d.redis = { tls: { key: '/k.pem' } })), 'redis.tls.cert: required with redis.tls.key (a client certificate needs its key, and the key its certificate)'],
    ['serverName not a name', withDoc((d) => (d.sentinel.tls = { serverName: 'a b' })), 'sentinel.tls.serverName: must be a DNS name (the name in the server certificate)'],
  ])('%s', (_name, doc, problem) => {
    const err = configError(doc);
    expect(err.details.problems).toEqual([problem]);
    expect(err.details.key).toBe(problem.split(':')[0]);
  });
});

describe('validateConfig: notify commands', () => {
  it('none by default: no master has notify; an empty notify section is the defaults', () => {
    expect(validateConfig(minimal()).masters.get('mymaster')).not.toHaveProperty('notify');
    expect(validateConfig(withDoc((d) => (d.notify = null))).masters.get('mymaster')).not.toHaveProperty('notify');
  });

  it('the global commands apply to every master, with the default timeout of 10000 ms', () => {
    const c = validateConfig(withDoc((d) => {
      d.notify = { onBind: ['/usr/local/bin/vip-moved', 'bind', '{vip}'], onUnbind: ['/usr/local/bin/vip-moved', 'unbind'] };
      d.masters.other = { vip: '10.0.0.101/24' };
    }));
    for (const m of ['mymaster', 'other']) expect(c.masters.get(m)!.notify).toEqual({ onBind: ['/usr/local/bin/vip-moved', 'bind', '{vip}'], onUnbind: ['/usr/local/bin/vip-moved', 'unbind'], timeoutMs: 10_000 });
  });

  it("a master's own command replaces the global one, key by key; null means none for that master", () => {
    const c = validateConfig(withDoc((d) => {
      d.notify = { onBind: ['/g/bind'], onUnbind: ['/g/unbind'], timeoutMs: 2500 };
      d.masters.mymaster.notify = { onBind: ['/m/bind', '{master}'] };
      d.masters.other = { vip: '10.0.0.101/24', notify: { onBind: null, onUnbind: null } };
      d.masters.third = { vip: '10.0.0.102/24', notify: { onUnbind: null } };
    }));
    expect(c.masters.get('mymaster')!.notify).toEqual({ onBind: ['/m/bind', '{master}'], onUnbind: ['/g/unbind'], timeoutMs: 2500 });
    expect(c.masters.get('other')).not.toHaveProperty('notify');
    expect(c.masters.get('third')!.notify).toEqual({ onBind: ['/g/bind'], timeoutMs: 2500 });
  });

  it('exit 2 naming the key: an unknown placeholder, an empty argv, a relative program (global or per master)', () => {
    const cases: Array<[(d: Record<string, any>) => void, string, string]> = [
      [(d) => (d.notify = { onBind: ['/bin/x', '{vipp}'] }), 'notify.onBind.1', 'unknown placeholder {vipp}'],
      [(d) => (d.notify = { onUnbind: [] }), 'notify.onUnbind', 'must not be empty'],
      [(d) => (d.notify = { onBind: ['vip-moved', 'bind'] }), 'notify.onBind.0', 'must be an absolute path'],
      [(d) => (d.masters.mymaster.notify = { onUnbind: ['bin/x'] }), 'masters.mymaster.notify.onUnbind.0', 'must be an absolute path'],
      [(d) => (d.masters.mymaster.notify = { onBind: ['/bin/x', '{host}', '{oops}'] }), 'masters.mymaster.notify.onBind.2', 'unknown placeholder {oops}'],
      [(d) => (d.notify = { onBind: '/bin/x bind' }), 'notify.onBind', ''],
      [(d) => (d.notify = { onBind: ['/bin/x', 5] }), 'notify.onBind.1', ''],
      [(d) => (d.notify = { timeoutMs: 0 }), 'notify.timeoutMs', ''],
      [(d) => (d.notify = { onbind: ['/bin/x'] }), 'notify.onbind', 'unknown key'],
    ];
    for (const [patch, key, why] of cases) {
      const e = configError(withDoc(patch));
      expect(e.details.key, e.message).toBe(key);
      expect(e.message).toContain(`${key}: ${why}`);
    }
  });
});
