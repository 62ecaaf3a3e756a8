import { describe, expect, it } from 'vitest';
import { SlicedDerivation } from '../../src/util/sliced-derivation.ts';

interface Owner {
  items: number[];
}

function summing(itemsPerSlice: number) {
  const added: number[] = [];
  const derivation = new SlicedDerivation<Owner, number, { sum: number }, number>(
    {
      items: (owner) => owner.items,
      start: () => ({ sum: 0 }),
      add(progress, item) {
        added.push(item);
        progress.sum += item;
      },
      finish: (_owner, progress) => progress.sum,
    },
    itemsPerSlice,
  );
  return { derivation, added };
}

const owner = (count: number): Owner => ({ items: Array.from({ length: count }, (_, position) => position + 1) });
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('SlicedDerivation', () => {
  it('makes the result once per owner', () => {
    const { derivation, added } = summing(10);
    const first = owner(100);
    expect(derivation.get(first)).toBe(5050);
    expect(derivation.get(first)).toBe(5050);
    expect(added).toHaveLength(100);
    expect(derivation.get(owner(3))).toBe(6);
  });

  it('prepares in slices, letting other work run in between, and starts only after the caller goes on', async () => {
    const { derivation, added } = summing(10);
    const prepared = owner(100);
    const preparing = derivation.prepare(prepared);
    expect(added).toHaveLength(0);
    let turnsSeen = 0;
    while (added.length < 100) {
      await turn();
      turnsSeen++;
    }
    await preparing;
    expect(turnsSeen).toBeGreaterThanOrEqual(10);
    expect(derivation.get(prepared)).toBe(5050);
    expect(added).toHaveLength(100);
  });

  it('lets a need that comes midway finish from where the slices are, adding nothing twice', async () => {
    const { derivation, added } = summing(10);
    const shared = owner(100);
    const preparing = derivation.prepare(shared);
    await turn();
    await turn();
    expect(added.length).toBeGreaterThan(0);
    expect(added.length).toBeLessThan(100);
    expect(derivation.get(shared)).toBe(5050);
    await preparing;
    expect(added).toEqual(shared.items);
    expect(derivation.get(shared)).toBe(5050);
  });
});
