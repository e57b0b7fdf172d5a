/**
 * Config validation and the YAML path, for any input: validateConfig on any value, and the
 * whole file path (read, YAML parse, validate) on any bytes, either return a config or throw a
 * VipctlError with exit 2 (a bad file is permanent: Sentinel must not retry it), never anything else.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/core/config';
import { VipctlError } from '../../src/core/errors';
import { loadConfigFile } from '../../src/adapters/config-file';

const VALID = {
  sentinel: { addresses: ['10.0.0.1:26379', '10.0.0.2:26379', '10.0.0.3:26379'], password: 'secret' },
  masters: { mymaster: { vip: '10.0.0.100/24' } },
  announce: { count: 3, intervalSeconds: 1 },
  log: { file: '/var/log/vipctl/vipctl.log', level: 'info' },
  watch: { intervalMs: 1000, fenceAfterMs: 'auto' },
};

/** Returns normally, or throws a VipctlError with exit 2; anything else fails the property. */
function onlyExit2(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof VipctlError)) throw new Error(`threw ${(e as Error)?.constructor?.name ?? typeof e}: ${String((e as Error)?.message ?? e)}`);
    expect(e.exitCode).toBe(2);
    expect(e.message.length).toBeGreaterThan(0);
  }
}

/** Paths into the valid document, to replace one value at a time with anything. */
const PATHS = [['sentinel'], ['sentinel', 'addresses'], ['sentinel', 'addresses', '0'], ['sentinel', 'password'], ['sentinel', 'tls'], ['masters'], ['masters', 'mymaster'], ['masters', 'mymaster', 'vip'], ['masters', 'mymaster', 'interface'], ['announce'], ['announce', 'count'], ['log'], ['log', 'file'], ['watch'], ['watch', 'fenceAfterMs'], ['redis'], ['metrics'], ['runDir'], ['lockTimeoutMs'], ['__proto__'], ['constructor']];

function withValue(path: readonly string[], value: unknown): unknown {
  const doc = structuredClone(VALID) as Record<string, unknown>;
  let at: Record<string, unknown> = doc;
  for (const k of path.slice(0, -1)) {
    if (typeof at[k] !== 'object' || at[k] === null) at[k] = {};
    at = at[k] as Record<string, unknown>;
  }
  Object.defineProperty(at, path.at(-1)!, { value, enumerable: true, configurable: true, writable: true });
  return doc;
}

const env = fc.dictionary(fc.constantFrom('VIPCTL_RUN_DIR', 'VIPCTL_LOG_FILE', 'VIPCTL_SENTINEL_PASSWORD', 'VIPCTL_REDIS_PASSWORD'), fc.string());

describe('config validation (property-based)', () => {
  it('any value at all: a config or a VipctlError with exit 2', () => {
    fc.assert(fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true }), env, (doc, e) => onlyExit2(() => validateConfig(doc, e))), { numRuns: 500 });
  });

  it('the valid document with any one value replaced by anything', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), fc.oneof(fc.anything({ withNullPrototype: true }), fc.string({ unit: 'binary' }), fc.double(), fc.integer()), env, (path, value, e) => onlyExit2(() => validateConfig(withValue(path, value), e))),
      { numRuns: 500 },
    );
  });

  it('the valid document itself is accepted', () => {
    expect(validateConfig(VALID).masters.get('mymaster')?.vip.text).toBe('10.0.0.100/24');
  });
});

describe('the config file path: read, parse, validate (property-based)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vipctl-cfgprop-'));
  const file = join(dir, 'vipctl.yaml');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const load = (bytes: Uint8Array | string): void => {
    writeFileSync(file, bytes, { mode: 0o600 });
    onlyExit2(() => loadConfigFile(file, {}));
  };

  // YAML's own syntax, in any order: anchors, aliases, merge keys, tags, flow and block styles, directives
  const TOKENS = ['sentinel:', 'addresses:', 'masters:', 'mymaster:', 'vip:', ' 10.0.0.100/24', ' [10.0.0.1:26379]', 'announce:', 'count:', ' 3', 'watch:', 'log:', '\n', '  ', '- ', ': ', '? ', '&a ', '*a', '<<: ', '!!binary ', '!!str ', '!!map ', '!!set ', '!<tag:yaml.org,2002:int> ', '{', '}', '[', ']', ',', '"', "'", '|', '>', '#', '---', '...', '%YAML 1.2\n', '%TAG ! tag:x,2000:\n', '\t', '\0', '\uFEFF', '\uD800', 'null', '~', '.inf', '0x1F', '1e400', '__proto__:', 'constructor:'];
  const yamlish = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((t) => t.join(''));

  it('any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), load), { numRuns: 200 });
  }, 30_000);

  it('YAML-shaped text', () => {
    fc.assert(fc.property(yamlish, load), { numRuns: 300 });
  }, 30_000);

  it('the valid file with any text spliced in', () => {
    const valid = 'sentinel:\n  addresses: [10.0.0.1:26379]\nmasters:\n  mymaster:\n    vip: 10.0.0.100/24\n';
    load(valid);
    fc.assert(fc.property(fc.nat(valid.length), fc.oneof(yamlish, fc.string({ unit: 'binary' })), (at, text) => load(valid.slice(0, at) + text + valid.slice(at))), { numRuns: 300 });
  }, 30_000);

  it('an alias bomb is a config error, not a hang or a crash', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${'bcdefghij'[i]}: &${'bcdefghij'[i]} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');
    expect(() => loadConfigFile((writeFileSync(file, bomb, { mode: 0o600 }), file), {})).toThrow(VipctlError);
  });
});
