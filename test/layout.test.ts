/**
 * The dependency rule of src/, checked on every import (static and dynamic):
 *
 *   entry points (src/*.ts) -> commands -> watch | doctor -> pass -> core | adapters
 *
 * - core is pure: it imports only core and the few pure libraries below, no node: module;
 * - adapters import core and adapters only;
 * - nothing imports commands but the entry points (cli.ts, hook-bundle.ts);
 * - watch, pass and doctor never import commands or lab; pass imports no watch or doctor.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');
/** Which layers (top folder of src/, or '.' for src/*.ts) each layer may import. */
const ALLOWED: Record<string, string[]> = {
  '.': ['.', 'commands', 'core', 'adapters', 'pass', 'watch', 'doctor', 'switchover', 'lab', 'types'],
  commands: ['commands', 'watch', 'doctor', 'switchover', 'pass', 'core', 'adapters', 'lab'],
  switchover: ['switchover', 'core', 'adapters'],
  watch: ['watch', 'pass', 'core', 'adapters'],
  doctor: ['doctor', 'pass', 'core', 'adapters'],
  pass: ['pass', 'core', 'adapters'],
  lab: ['lab', 'core', 'adapters'],
  adapters: ['adapters', 'core'],
  core: ['core'],
  types: [],
};
/** The only packages core may use: pure parsing and validation. */
const CORE_PACKAGES = new Set(['ipaddr.js', 'zod/mini', 'zod/v4/locales/en.js']);

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}
const layerOf = (file: string): string => {
  const rel = relative(SRC, file).split('/');
  return rel.length === 1 ? '.' : rel[0]!;
};
/** Every module specifier a file imports: `from '...'`, `import('...')`, `import '...'`. */
export function importsOf(text: string): string[] {
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)'([^']+)'/gm)) specs.push(m[1]!);
  return specs;
}

/** The rule's breaches in one file, as "file -> spec (why)". */
function breaches(file: string, text: string): string[] {
  const layer = layerOf(file);
  const out: string[] = [];
  for (const spec of importsOf(text)) {
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(SRC + '/')) continue; // package.json and the like
      const to = layerOf(target + '.ts');
      if (!(ALLOWED[layer] ?? []).includes(to)) out.push(`${relative(SRC, file)} -> ${spec} (${layer} may not import ${to})`);
    } else if (layer === 'core' && !CORE_PACKAGES.has(spec)) {
      out.push(`${relative(SRC, file)} -> ${spec} (core is pure: no I/O module or package)`);
    }
  }
  return out;
}

describe('layout', () => {
  it('every layer imports only what the dependency rule allows', () => {
    const found = sources(SRC).flatMap((f) => breaches(f, readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });

  it('every top folder of src/ has a rule', () => {
    const layers = new Set(sources(SRC).map(layerOf));
    expect([...layers].filter((l) => !(l in ALLOWED))).toEqual([]);
  });

  it('the checker sees each kind of import and each kind of breach', () => {
    expect(importsOf("import { a } from './x';\nconst m = await import('../y');\nimport 'z';\nexport { b } from './w';")).toEqual(['./x', '../y', 'z', './w']);
    expect(breaches(join(SRC, 'core/x.ts'), "import { readFileSync } from 'node:fs';")).toHaveLength(1);
    expect(breaches(join(SRC, 'core/x.ts'), "import { f } from '../adapters/ip';")).toHaveLength(1);
    expect(breaches(join(SRC, 'watch/x.ts'), "import { f } from '../commands/hook';")).toHaveLength(1);
    expect(breaches(join(SRC, 'pass/x.ts'), "const w = await import('../watch/node');")).toHaveLength(1);
    expect(breaches(join(SRC, 'adapters/x.ts'), "import { f } from '../pass/converge';")).toHaveLength(1);
    expect(breaches(join(SRC, 'watch/x.ts'), "import { f } from '../pass/converge';\nimport { g } from '../core/local';")).toEqual([]);
  });
});
