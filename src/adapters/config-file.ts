/** Find, read and parse the config file: --config, else $VIPCTL_CONFIG, else the default path. */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { DEFAULT_CONFIG_PATH, validateConfig, type Config } from '../core/config';
import { VipctlError } from '../core/errors';

export function configPath(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return explicit || env.VIPCTL_CONFIG || DEFAULT_CONFIG_PATH;
}

export function loadConfig(explicit?: string, env: NodeJS.ProcessEnv = process.env): Config {
  const path = configPath(explicit, env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new VipctlError('CONFIG', `cannot read config ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { key: 'config' });
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => e.message.split('\n')[0]!);
    throw new VipctlError('CONFIG', `${path}: not valid YAML: ${problems.join('; ')}`, { key: 'config', problems });
  }
  return validateConfig(doc.toJS(), env, path);
}
