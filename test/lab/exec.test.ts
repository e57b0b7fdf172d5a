import { describe, expect, it } from 'vitest';
import { must } from '../../src/lab/exec';

describe('must', () => {
  it('gives the result of a command that exits 0', async () => {
    expect((await must([process.execPath, '-e', 'process.stdout.write("hi")'])).stdout).toBe('hi');
  });

  it('turns any other exit into a lab error naming the command', async () => {
    const argv = [process.execPath, '-e', 'process.stderr.write("boom"); process.exit(3)'];
    await expect(must(argv)).rejects.toThrow(expect.objectContaining({ code: 'LAB', message: expect.stringMatching(/ -e .*: exit 3: boom$/) }));
  });
});
