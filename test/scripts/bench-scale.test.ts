import { describe, expect, it } from 'vitest';
import type { Paper } from '../../src/corpus/types.ts';
import { benchScaleTier, SERVER_GLIBC_TUNABLES, withGlibcTunables } from '../../scripts/bench-scale.ts';
import { FIXTURE_PAPERS } from '../helpers/fixture-seeds.ts';

describe('withGlibcTunables', () => {
  it('adds the tunables to an environment without any', () => {
    expect(withGlibcTunables({ PATH: '/bin' }, SERVER_GLIBC_TUNABLES)).toEqual({ PATH: '/bin', GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' });
  });

  it('keeps the tunables already set, and their values where the two name the same one', () => {
    expect(withGlibcTunables({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'glibc.malloc.hugetlb=1').GLIBC_TUNABLES).toBe('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
    // How to measure without huge pages: the bench's own setting wins.
    expect(withGlibcTunables({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }, 'glibc.malloc.hugetlb=1').GLIBC_TUNABLES).toBe('glibc.malloc.hugetlb=0');
  });
});

describe('benchScaleTier', () => {
  it('loads and searches a small tier in a fresh process, reporting the load in wall and CPU time', { timeout: 180_000 }, async () => {
    const seedPapers: Paper[] = FIXTURE_PAPERS.map((paper, index) => ({ id: `seed${index}`, ...paper, sources: [], links: [] }));
    const tier = await benchScaleTier(2_000, { seedPapers, shards: 1, efConstruction: 40, queries: 10 });
    expect(tier).toMatchObject({ chunks: 2_000, papers: 200, shards: 1, lexicalRecallAt10: 1 });
    expect(tier.vectorRecallAt10).toBeGreaterThanOrEqual(0.9);
    expect(tier.loadSeconds).toBeGreaterThan(0);
    expect(tier.loadCpuSeconds).toBeGreaterThan(0);
    // null only where Linux does not report it.
    if (process.platform === 'linux') expect(tier.hugePagesMb).toBeGreaterThanOrEqual(0);
  });
});
