import { describe, expect, it } from 'vitest';
import { withoutExclusions } from '../../src/retrieval/query-exclusions.ts';

describe('withoutExclusions', () => {
  it('drops a sentence that says which papers are not wanted', () => {
    expect(withoutExclusions('Which papers speed up vision transformers by pruning patch tokens? Exclude vision-language models and new backbones.')).toBe(
      'Which papers speed up vision transformers by pruning patch tokens?',
    );
    expect(withoutExclusions("Robot policies built on transformers. Leave out surveys. Don't count agents that only act in games.")).toBe('Robot policies built on transformers.');
  });

  it('drops an exclusion clause inside a sentence', () => {
    expect(withoutExclusions('papers on token pruning, excluding vision-language models, for ViTs')).toBe('papers on token pruning, for ViTs');
  });

  it('keeps contrasts that describe the wanted paper', () => {
    const query = 'cutting images into segments instead of square patches, rather than fixed grids';
    expect(withoutExclusions(query)).toBe(query);
    expect(withoutExclusions('How do models decide which tokens to skip?')).toBe('How do models decide which tokens to skip?');
  });

  it('drops a contrast in a request for several papers: it says what to leave out', () => {
    expect(withoutExclusions('Which papers caption photos with a dedicated model, rather than general chat models that can also caption?')).toBe('Which papers caption photos with a dedicated model?');
    expect(withoutExclusions('Which surveys cover speech models, as opposed to vision or text in general? Count reviews too.')).toBe('Which surveys cover speech models? Count reviews too.');
    // A list inside the contrast goes with it; a comma that takes the main clause up again ends it.
    expect(withoutExclusions('Which papers rank text passages with language models, rather than retrieving code, images or graphs?')).toBe('Which papers rank text passages with language models?');
    expect(withoutExclusions('Which papers use distillation, rather than pruning, to obtain compact vision transformers?')).toBe('Which papers use distillation, to obtain compact vision transformers?');
    // A request for one paper keeps it (its abstract usually states the contrast).
    const single = 'Which paper tokenizes images into segments rather than square patches?';
    expect(withoutExclusions(single)).toBe(single);
  });

  it('keeps a query that is nothing but an exclusion', () => {
    expect(withoutExclusions('Exclude surveys.')).toBe('Exclude surveys.');
  });
});
