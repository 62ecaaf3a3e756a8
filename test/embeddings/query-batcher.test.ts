import { describe, expect, it } from 'vitest';
import { QueryBatcher } from '../../src/embeddings/query-batcher.ts';

/** An embedder whose calls finish only when the test says so; records what each call got. */
function controlledEmbedder() {
  const calls: Array<{ texts: string[]; finish: (error?: Error) => void }> = [];
  const embed = (texts: string[]) =>
    new Promise<number[][]>((resolve, reject) => {
      calls.push({ texts, finish: (error) => (error ? reject(error) : resolve(texts.map((text) => [text.length]))) });
    });
  return { calls, embed };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('QueryBatcher', () => {
  it('sends a query at once while a worker is free', async () => {
    const { calls, embed } = controlledEmbedder();
    const batcher = new QueryBatcher(embed, 2, 4);
    const first = batcher.embed('a');
    const second = batcher.embed('bb');
    expect(calls.map((call) => call.texts)).toEqual([['a'], ['bb']]);
    calls[0]!.finish();
    calls[1]!.finish();
    expect(await first).toEqual([1]);
    expect(await second).toEqual([2]);
  });

  it('groups queries that wait for a busy worker, at most maxBatch per call, each answered with its own vector', async () => {
    const { calls, embed } = controlledEmbedder();
    const batcher = new QueryBatcher(embed, 1, 3);
    const results = ['a', 'bb', 'ccc', 'dddd', 'eeeee'].map((text) => batcher.embed(text));
    expect(calls.map((call) => call.texts)).toEqual([['a']]);
    calls[0]!.finish();
    await settle();
    expect(calls.map((call) => call.texts)).toEqual([['a'], ['bb', 'ccc', 'dddd']]);
    calls[1]!.finish();
    await settle();
    expect(calls.map((call) => call.texts)).toEqual([['a'], ['bb', 'ccc', 'dddd'], ['eeeee']]);
    calls[2]!.finish();
    expect(await Promise.all(results)).toEqual([[1], [2], [3], [4], [5]]);
  });

  it('fails every query of a failed call, and keeps serving the next ones', async () => {
    const { calls, embed } = controlledEmbedder();
    const batcher = new QueryBatcher(embed, 1, 4);
    const first = batcher.embed('a');
    const grouped = [batcher.embed('b'), batcher.embed('c')];
    calls[0]!.finish();
    await settle();
    calls[1]!.finish(new Error('worker died'));
    await expect(first).resolves.toEqual([1]);
    for (const result of grouped) await expect(result).rejects.toThrow('worker died');
    const after = batcher.embed('dd');
    await settle();
    calls[2]!.finish();
    expect(await after).toEqual([2]);
  });
});
