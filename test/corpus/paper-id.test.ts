import { describe, expect, it } from 'vitest';
import { normaliseTitle, paperIdFromTitle } from '../../src/corpus/paper-id.ts';

describe('normaliseTitle', () => {
  it.each([
    ['VIOLET : End-to-End Video-Language Transformers', 'VIOLET: End-to-End Video-Language Transformers'],
    ['BUS:Efficient Pre-training', 'BUS: Efficient Pre-training'],
    ['  Attention   Is\tAll You Need ', 'attention is all you need'],
    ['ＦＵＬＬＷＩＤＴＨ Title', 'fullwidth title'],
    ["Alzheimer's Disease", 'Alzheimer’s Disease'],
    ['End-to-End', 'end to end'],
  ])('treats %j and %j as the same title', (a, b) => {
    expect(normaliseTitle(a)).toBe(normaliseTitle(b));
  });

  it('keeps genuinely different titles apart', () => {
    expect(normaliseTitle('ViT-B/16 Models')).not.toBe(normaliseTitle('ViT-B/32 Models'));
  });
});

describe('paperIdFromTitle', () => {
  it('is a readable slug plus a short hash', () => {
    expect(paperIdFromTitle('TreeFormer: a Semi-Supervised Transformer-based Framework for Tree Counting')).toMatch(
      /^treeformer-semi-supervised-[0-9a-f]{8}$/,
    );
  });

  it('is stable and ignores formatting differences', () => {
    const id = paperIdFromTitle('VIOLET : End-to-End Video-Language Transformers');
    expect(paperIdFromTitle('VIOLET : End-to-End Video-Language Transformers')).toBe(id);
    expect(paperIdFromTitle('violet: end-to-end video-language transformers')).toBe(id);
  });

  it.each([
    ['A'.repeat(200)],
    ['注意力机制'],
    ['Éclair: Überfast Transformers'],
    ['IA-RED^2: Interpretability-Aware Redundancy Reduction for Vision Transformers'],
    ['The Of And'],
  ])('is URL-safe and at most 60 characters for %j', (title) => {
    const id = paperIdFromTitle(title);
    expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    expect(id.length).toBeLessThanOrEqual(60);
    expect(encodeURIComponent(id)).toBe(id);
  });

  it('differs for different titles', () => {
    expect(paperIdFromTitle('Vision Transformers Need Registers')).not.toBe(paperIdFromTitle('Vision Transformers Need Registers Too'));
  });
});
