import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../src/corpus/sentences.ts';

function texts(text: string): string[] {
  return splitSentences(text).map((sentence) => sentence.text);
}

describe('splitSentences', () => {
  it.each([
    {
      case: 'plain sentences',
      text: 'Transformers are popular models. We propose a faster variant of them. It works well in practice.',
      expected: ['Transformers are popular models.', 'We propose a faster variant of them.', 'It works well in practice.'],
    },
    {
      case: 'e.g. before a capital',
      text: 'We test language models (e.g. BERT, GPT) on many tasks. Results are strong everywhere.',
      expected: ['We test language models (e.g. BERT, GPT) on many tasks.', 'Results are strong everywhere.'],
    },
    {
      case: 'i.e. before a capital',
      text: 'We keep global consistency, i.e. TME-related interactions stay intact. Results follow below.',
      expected: ['We keep global consistency, i.e. TME-related interactions stay intact.', 'Results follow below.'],
    },
    {
      case: 'vs. between numbers',
      text: 'It beats the baseline (78.5% vs. 75.9%) on ImageNet. Our code is public.',
      expected: ['It beats the baseline (78.5% vs. 75.9%) on ImageNet.', 'Our code is public.'],
    },
    {
      case: 'Fig. and Eq. references',
      text: 'The trend is shown in Fig. 1. In this paper we explain it. The bound follows from Eq. 3 directly.',
      expected: ['The trend is shown in Fig. 1.', 'In this paper we explain it.', 'The bound follows from Eq. 3 directly.'],
    },
    {
      case: 'approx. before a number and unit',
      text: 'Training takes approx. 3.5 GB of memory per device. That is small for this scale.',
      expected: ['Training takes approx. 3.5 GB of memory per device.', 'That is small for this scale.'],
    },
    {
      case: 'et al. with a year, and et al. ending a sentence',
      text: 'The model of Abbe et al. (2023) fails on long inputs. This was studied by Vaswani et al. In this work we revisit it.',
      expected: ['The model of Abbe et al. (2023) fails on long inputs.', 'This was studied by Vaswani et al.', 'In this work we revisit it.'],
    },
    {
      case: 'etc. ending a sentence',
      text: 'It improves speed, memory, stability, etc. We reframe the problem as pruning.',
      expected: ['It improves speed, memory, stability, etc.', 'We reframe the problem as pruning.'],
    },
    {
      case: 'a unit ending a sentence',
      text: 'Inference on one image takes only 12 ms. We also report the cost of training.',
      expected: ['Inference on one image takes only 12 ms.', 'We also report the cost of training.'],
    },
    {
      case: 'decimal numbers',
      text: 'Accuracy rises from 81.2 to 84.6 on ImageNet-1K. FID drops by 3.22 points as well.',
      expected: ['Accuracy rises from 81.2 to 84.6 on ImageNet-1K.', 'FID drops by 3.22 points as well.'],
    },
    {
      case: 'URLs with dots and capitals',
      text: 'Code is at https://github.com/Org/Repo.Name and https://x.github.io/A.B/C. Try it on your data.',
      expected: ['Code is at https://github.com/Org/Repo.Name and https://x.github.io/A.B/C.', 'Try it on your data.'],
    },
    {
      case: 'an exclamation mark inside a name',
      text: 'We reach a new state of the art on the WHOOPS! and WEIRD datasets. The model is compact.',
      expected: ['We reach a new state of the art on the WHOOPS! and WEIRD datasets.', 'The model is compact.'],
    },
    {
      case: 'a missing space after a full stop',
      text: 'We group models into three categories.This classification follows their outputs.',
      expected: ['We group models into three categories.', 'This classification follows their outputs.'],
    },
    {
      case: 'short fragments merged into the previous sentence',
      text: 'We propose a new attention mechanism. It works. Experiments on three benchmarks confirm the gains.',
      expected: ['We propose a new attention mechanism. It works.', 'Experiments on three benchmarks confirm the gains.'],
    },
    {
      case: 'a short first fragment merged into the next sentence',
      text: 'Why? Because attention scales quadratically with length.',
      expected: ['Why? Because attention scales quadratically with length.'],
    },
  ])('handles $case', ({ text, expected }) => {
    expect(texts(text)).toEqual(expected);
  });

  it.each([
    ['  Leading and trailing space around text.  Second sentence here, padded.   '],
    ['First sentence is here.\nSecond sentence on a new line.\n\nThird after a blank line.'],
    ['We test models (e.g. BERT) and more, i.e. RoBERTa. See https://github.com/a/b. Done with it now.'],
  ])('gives exact, trimmed offsets for %j', (text) => {
    const sentences = splitSentences(text);
    expect(sentences.length).toBeGreaterThan(0);
    let previousEnd = 0;
    for (const sentence of sentences) {
      expect(text.slice(sentence.start, sentence.end)).toBe(sentence.text);
      expect(sentence.text).toBe(sentence.text.trim());
      expect(sentence.start).toBeGreaterThanOrEqual(previousEnd);
      // Only whitespace is left out between sentences: nothing is lost.
      expect(text.slice(previousEnd, sentence.start).trim()).toBe('');
      previousEnd = sentence.end;
    }
    expect(text.slice(previousEnd).trim()).toBe('');
  });

  it('returns nothing for blank text', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences('   \n ')).toEqual([]);
  });
});
