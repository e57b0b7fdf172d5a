/** Is this process vipctl's single executable (npm run package)? node:sea exists from Node 20.12. */
import { createRequire } from 'node:module';

export function inSea(): boolean {
  try {
    return (createRequire(import.meta.url)('node:sea') as { isSea(): boolean }).isSea();
  } catch {
    return false;
  }
}
