import { describe, expect, it } from 'vitest';
import { extractLinks } from '../../src/corpus/links.ts';

describe('extractLinks', () => {
  it.each([
    ['Code is available at https://github.com/a/b.', ['https://github.com/a/b']],
    ['(Code: https://github.com/yitu-opensource/T2T-ViT)', ['https://github.com/yitu-opensource/T2T-ViT']],
    ['benchmark (https://visualcommonsense.com), achieving', ['https://visualcommonsense.com']],
    ['at https://github.com/x/LMUFormer.git.', ['https://github.com/x/LMUFormer.git']],
    ['available at~https://github.com/microsoft/Swin-Transformer.', ['https://github.com/microsoft/Swin-Transformer']],
    ['Demos: {https://dongchaoyang.top/SimpleSpeech2\\_demo/}.', ['https://dongchaoyang.top/SimpleSpeech2_demo/']],
    ['Project website: vid2robot.github.io', ['https://vid2robot.github.io']],
    ['code at https: //github.com/gurayozgur/MADation', ['https://github.com/gurayozgur/MADation']],
    ['see https://en.wikipedia.org/wiki/Foo_(bar) now', ['https://en.wikipedia.org/wiki/Foo_(bar)']],
    ['No links here, e.g. none.', []],
  ])('finds the links in %j', (text, expected) => {
    expect(extractLinks(text)).toEqual(expected);
  });

  it('deduplicates repeated links, keeping the first spelling', () => {
    const text = 'Code: https://github.com/a/b. Models at https://github.com/a/b/ and https://github.com/A/B, data at https://x.io/d.';
    expect(extractLinks(text)).toEqual(['https://github.com/a/b', 'https://x.io/d']);
  });
});
