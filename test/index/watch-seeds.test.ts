import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchSeeds } from '../../src/index/watch-seeds.ts';
import { makeTempDir } from '../helpers/fixture-seeds.ts';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('watchSeeds', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  it('calls back once for a burst of changes, after the files are quiet, ignoring temporary and unknown files', async () => {
    const dir = await makeTempDir('paperchat-watch-');
    const calls: string[][] = [];
    stop = watchSeeds(dir, 300, (files) => calls.push(files), () => {});
    await wait(150);
    await fs.writeFile(path.join(dir, 'a.bib'), '@misc{a, title={A}}');
    await fs.writeFile(path.join(dir, 'notes.md'), 'not a seed');
    await fs.writeFile(path.join(dir, 'b.jsonl.12345.tmp'), 'partial');
    await wait(100);
    await fs.writeFile(path.join(dir, 'uploads', 'c.xml'), '<feed/>');
    await wait(100);
    expect(calls).toEqual([]);
    // A timer never fires early, so "not yet" above is safe; the callback itself may be late on a busy machine.
    await expect.poll(() => calls, { timeout: 5000 }).toEqual([['a.bib', 'uploads/c.xml']]);

    // Only temporary or unknown files changing: no rebuild.
    await fs.writeFile(path.join(dir, 'notes.md'), 'still not a seed');
    await wait(600);
    expect(calls).toHaveLength(1);
  });

  it('stops calling back once stopped', async () => {
    const dir = await makeTempDir('paperchat-watch-');
    const calls: string[][] = [];
    stop = watchSeeds(dir, 100, (files) => calls.push(files), () => {});
    await wait(100);
    stop();
    await fs.writeFile(path.join(dir, 'late.csv'), 'title,abstract\n');
    await wait(300);
    expect(calls).toEqual([]);
  });
});
