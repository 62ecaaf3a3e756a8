import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import { ConfigError } from '../../src/errors.ts';
import { rankerFromFile } from '../../src/retrieval/linear-ranker.ts';
import { makeTempDir } from '../helpers/fixture-seeds.ts';

describe('rankerFromFile (RANKER_WEIGHTS)', () => {
  it('loads a weights file such as the documented 50/50 fusion', () => {
    const ranker = rankerFromFile(path.join(PROJECT_ROOT, 'docs/ranker-min-max-fusion.json'));
    expect(ranker.model.weights).toEqual({ lexical: 0.5, vector: 0.5 });
  });

  it('names the file and the problem for a missing, broken or wrong file', async () => {
    const dir = await makeTempDir();
    await fs.writeFile(path.join(dir, 'broken.json'), '{ not json');
    await fs.writeFile(path.join(dir, 'wrong.json'), JSON.stringify({ description: 'x', weights: { lexcial: 1 } }));
    expect(() => rankerFromFile(path.join(dir, 'absent.json'))).toThrow(ConfigError);
    expect(() => rankerFromFile(path.join(dir, 'broken.json'))).toThrow(/broken\.json/);
    expect(() => rankerFromFile(path.join(dir, 'wrong.json'))).toThrow(/wrong\.json is not a ranker weights file/);
  });
});
