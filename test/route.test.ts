import { describe, expect, it } from 'vitest';
import { route } from '../src/route';

const seven = ['mymaster', 'leader', 'start', '10.0.0.1', '6379', '10.0.0.2', '6379'];

describe('route', () => {
  it.each([
    ['Sentinel form', seven, { kind: 'hook', args: seven }],
    ['observer role', ['mymaster', 'observer', ...seven.slice(2)], { kind: 'hook', args: ['mymaster', 'observer', ...seven.slice(2)] }],
    ['bad role still goes to the hook (which says why)', ['mymaster', 'boss', ...seven.slice(2)], { kind: 'hook', args: ['mymaster', 'boss', ...seven.slice(2)] }],
    ['spelled out', ['hook', ...seven], { kind: 'hook', args: seven }],
    ['spelled out, too few', ['hook', ...seven.slice(0, 6)], { kind: 'hook', args: seven.slice(0, 6) }],
    ['a master named after a command, Sentinel form', ['lab', 'leader', ...seven.slice(2)], { kind: 'hook', args: ['lab', 'leader', ...seven.slice(2)] }],
    ['a command with seven words', ['lab', 'demo', '--json', '--id', 'x', '--dir', '/tmp'], { kind: 'main', args: ['lab', 'demo', '--json', '--id', 'x', '--dir', '/tmp'] }],
    ['hook --help', ['hook', '--help'], { kind: 'main', args: ['hook', '--help'] }],
    ['nothing', [], { kind: 'main', args: [] }],
    ['reconcile', ['reconcile', '--dry-run'], { kind: 'main', args: ['reconcile', '--dry-run'] }],
    ['bind with seven words is the command', ['bind', 'mymaster', '--force', '--config', '/x.yaml', '--debug', '-c'], { kind: 'main', args: ['bind', 'mymaster', '--force', '--config', '/x.yaml', '--debug', '-c'] }],
    ['status with seven words is the command', ['status', '--json', '--config', '/x.yaml', '--debug', '-c', '/y'], { kind: 'main', args: ['status', '--json', '--config', '/x.yaml', '--debug', '-c', '/y'] }],
    ['six words that are no command', seven.slice(0, 6), { kind: 'main', args: seven.slice(0, 6) }],
  ])('%s', (_name, argv, expected) => {
    expect(route(argv)).toEqual(expected);
  });
});
