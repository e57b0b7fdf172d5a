import { expect, it } from 'vitest';
import { missingV8Options, WATCH_NODE_FLAGS, WATCH_NODE_OPTIONS } from '../../../src/core/watch/node-options';

it.each([
  ['started as the unit does', [...WATCH_NODE_FLAGS], WATCH_NODE_OPTIONS, []],
  ['by hand', [], undefined, ['--optimize-for-size', '--max-semi-space-size=2']],
  ['the flag only', ['--optimize-for-size'], '', ['--max-semi-space-size=2']],
  ['NODE_OPTIONS with others around it', [], '--enable-source-maps  --max-semi-space-size=2 --trace-warnings', ['--optimize-for-size']],
  ['another semi-space size is not the unit\'s', ['--optimize-for-size'], '--max-semi-space-size=16', ['--max-semi-space-size=2']],
])('%s', (_, execArgv, nodeOptions, missing) => {
  expect(missingV8Options(execArgv, nodeOptions)).toEqual(missing);
});
