import { describe, expect, it } from 'vitest';
import { askedThing, askedWords, askingClause, askingParts, asksForComparison, asksForEvaluationSetting, asksForNames, asksForPapers, asksForQuantity, countedQuantity, isFollowUp, statesFigure, namesStated, specificNames, statesComparison, statesEvaluationSetting, statesNumber, withoutContrasts, searchesForAClaim } from '../../src/answer/question-analysis.ts';

describe('searchesForAClaim', () => {
  it.each([
    ['Which paper showed that a GPT trained only on Othello moves represents the board?', true],
    ['Which study found transformers still win at visual grounding?', true],
    ['Is there a paper showing that attention heads do nothing?', true],
    ['Which work gives a hardware-efficient training algorithm for linear attention?', false],
    ['Which papers show results on LongBench?', false],
    ['What did the paper find about scaling?', false],
  ])('%s → %s', (question, expected) => {
    expect(searchesForAClaim(question)).toBe(expected);
  });
});

describe('asksForPapers', () => {
  it.each([
    ['Which papers use diffusion transformers for try-on?', true],
    ['cameras that record brightness changes instead of frames', true],
    ['Is there work on fine-tuning BERT for Turkish?', true],
    ['What accuracy does TinyViT reach?', false],
    ['How does it compare with Swin-T?', false],
    ['Which models handle long inputs?', true],
    ['Is there a benchmark for long inputs?', true],
    ['Which paper proposes token merging?', true],
    ['What papers are there on token merging?', true],
    // A paper the question already names is its subject.
    ['What did the token merging paper find about speed?', false],
    // A measure right after the wh-word asks for a number, not for papers.
    ['What pass@1 scores do code models get on the benchmark?', false],
    ['Which models get the best accuracy on ImageNet?', true],
    ['Has anyone tuned a pretrained model to detect morphed faces?', true],
    // A singular part of one paper, not a list.
    ['What detector architecture do they use for finding angry sentences?', false],
    ['Which benchmark did they evaluate on?', false],
    // What one paper used: "they" is its authors, whatever the plural noun.
    ['which pretrained vision transformer models did they use to spot cardiac problems in ECG printouts?', false],
    ['What datasets does the paper evaluate on?', false],
    ['Which models do people use for long inputs?', true],
  ])('%s → %s', (question, expected) => {
    expect(asksForPapers(question)).toBe(expected);
  });
});

describe('isFollowUp', () => {
  it.each([
    ['What datasets did they use?', true],
    ['How does it compare with Swin-T?', true],
    ['How big was the GLUE gain over plain supervised fine-tuning?', true],
    ['Which vision transformer splits the attention matrix into sparse sub-matrices to get global context at local-window cost while keeping accuracy?', false],
  ])('%s → %s', (question, expected) => {
    expect(isFollowUp(question)).toBe(expected);
  });
});

describe('specificNames', () => {
  it('finds versioned and capitalised names, not the first word', () => {
    expect(specificNames('How does Mixtral 8x7B compare with Llama 2 70B?')).toEqual(['Mixtral', '8x7B', 'Llama', '70B']);
    expect(specificNames('What speedup does FlashAttention-3 get?')).toEqual(['FlashAttention-3']);
    expect(specificNames('which papers study attention')).toEqual([]);
  });
});

describe('asksForQuantity', () => {
  it.each([
    ['What zero-shot FID does it reach on MS-COCO?', true],
    ['FLOPs cut and AUC change on HIV?', true],
    ['How much less data is needed?', true],
    ['what model size and training-set size were used?', true],
    ['Global attention in only a few layers: how much compute saved?', true],
    ['Which papers study attention sinks?', false],
    ['What does the method propose?', false],
  ])('%s → %s', (question, expected) => {
    expect(asksForQuantity(question)).toBe(expected);
  });
});

describe('comparison questions and sentences', () => {
  it.each([
    ['Which backbones did it beat?', true],
    ['How does it compare with Swin-T?', true],
    ['What baselines were used?', true],
    ['What datasets did they use?', false],
  ])('asksForComparison(%s) → %s', (question, expected) => {
    expect(asksForComparison(question)).toBe(expected);
  });

  it.each([
    ['Experiments show HorNet outperform Swin Transformers and ConvNeXt by a large margin.', true],
    ['It achieves state-of-the-art results on COCO.', true],
    ['We construct a new family of generic vision backbones.', false],
  ])('statesComparison(%s) → %s', (sentence, expected) => {
    expect(statesComparison(sentence)).toBe(expected);
  });
});

describe('questions asking which named things a paper used', () => {
  it.each([
    ['Which benchmarks did they test it on?', true],
    ['Which language pairs did they test?', true],
    ['What pretrained checkpoint did they start from?', true],
    ['Which evaluation suites did they use to show that?', true],
    ['Which one uses Fourier embeddings?', false],
    ['What ADE20K score did it reach?', false],
    ['How many datasets did they use?', false],
    // No kind of thing named, but where it was tested is asked.
    ['What was it evaluated on?', true],
    ['What data was it tested on?', true],
    ['What game world was it evaluated in?', true],
  ])('asksForNames(%s) → %s', (question, expected) => {
    expect(asksForNames(question)).toBe(expected);
  });

  it.each([
    ['A distillation method for segmentation transformers. What data was it tested on?', true],
    ['the method that judges absurd pictures - what was it evaluated on?', true],
    ['Which benchmarks did they test it on, and how well did it do?', true],
    // Training data is asked in the words that answer it ("trained on …").
    ['Which text corpus was it pre-trained on?', false],
    ['What did they test?', false],
  ])('asksForEvaluationSetting(%s) → %s', (question, expected) => {
    expect(asksForEvaluationSetting(question)).toBe(expected);
  });

  it.each([
    ['Experiments on Cityscapes, ACDC, and NYUv2 datasets show that it outperforms prior work.', true],
    ['Our method achieves state-of-the-art performance on the WHOOPS! and WEIRD datasets.', true],
    ['We evaluate on three public benchmarks.', true],
    ['We distill both feature maps and patch embeddings of large teachers.', false],
  ])('statesEvaluationSetting(%s) → %s', (sentence, expected) => {
    expect(statesEvaluationSetting(sentence)).toBe(expected);
  });

  it('reads numbers written as words', () => {
    expect(statesNumber('We propose a four-stage progressive distillation.')).toBe(true);
    expect(statesNumber('It is evaluated on thirteen Polish tasks.')).toBe(true);
    expect(statesNumber('It keeps 98.0% of the teacher.')).toBe(true);
    expect(statesNumber('The student keeps most of the teacher performance.')).toBe(false);
  });

  it('counts the names a sentence states beyond those the question says', () => {
    expect(namesStated('We translate from English into German, French, and Italian.', askedWords('Which languages besides English?'))).toBe(3);
    expect(namesStated('Results improve for four language pairs.', askedWords('Which language pairs?'))).toBe(0);
    // A spelled-out acronym is one name, here the one asked about.
    expect(namesStated('We introduce the One-shot Pruning Technique for Interchangeable Networks (OPTIN) framework.', askedWords('Which segmentation model does OPTIN use?'))).toBe(0);
    expect(namesStated('We also show results using Mask2Former for semantic segmentation.', askedWords('Which segmentation model does OPTIN use?'))).toBe(1);
  });
});

describe('askedThing', () => {
  it('is the noun phrase a which/what question asks for', () => {
    expect(askedThing('Which segmentation model does OPTIN use?')).toBe('segmentation model');
    expect(askedThing('A search over TensorFlow primitives: which two simple changes did it keep?')).toBe('two simple changes');
  });

  it('is undefined when the wh-word asks for no thing', () => {
    expect(askedThing('What is the time complexity of the fusion?')).toBeUndefined();
    expect(askedThing('How many augmentations does it use?')).toBeUndefined();
  });
});

describe('askingParts', () => {
  it('splits a question that asks two things, without the description before them', () => {
    expect(askingParts('Megatron-LM: how many GPUs did the big run use, and what scaling efficiency did it sustain?')).toEqual([
      'how many GPUs did the big run use',
      'what scaling efficiency did it sustain?',
    ]);
    expect(askingParts('A translation model with graph structure. Where did its training data come from, and what BLEU did it reach on Turkish?')).toEqual([
      'Where did its training data come from',
      'what BLEU did it reach on Turkish?',
    ]);
  });

  it('finds the second question after "and" with a preposition, and the first after its description', () => {
    expect(askingParts('In the paper on patch attacks, what success rate did the first attack reach, and on which benchmark were patches applied?')).toEqual([
      'what success rate did the first attack reach',
      'on which benchmark were patches applied?',
    ]);
  });

  it('keeps a question that asks one thing whole, even with "and" inside it', () => {
    expect(askingParts('Which models and datasets did they evaluate on?')).toHaveLength(1);
    expect(askingParts('How do token merging and pruning compare in accuracy?')).toHaveLength(1);
  });
});

describe('askingClause', () => {
  it('is the clause that asks, after a description of the paper', () => {
    expect(askingClause('The recipe that simplifies ResNet-50 training: how many augmentations does it use?')).toBe('how many augmentations does it use?');
    expect(askingClause('In the dual-branch classifier that fuses patch sizes, what is the time complexity of that fusion?')).toBe('what is the time complexity of that fusion?');
    expect(askingClause('The model that treats weights as tokens: across what parameter range was it scaled?')).toBe('across what parameter range was it scaled?');
  });

  it('starts after a spaced dash', () => {
    expect(askingClause('zero-shot action detection with a frozen CLIP - what video collections did they test on?')).toBe('what video collections did they test on?');
    expect(askingClause('A self-supervised audio model — which clips did it pre-train on?')).toBe('which clips did it pre-train on?');
    expect(askingClause('Is the Swin-T backbone better?')).toBeUndefined();
  });

  it('is the last sentence when a sentence of description comes first', () => {
    expect(askingClause('Someone built a big synthetic pedestrian dataset for pretraining. Which driving simulator produced it?')).toBe('Which driving simulator produced it?');
  });

  it('is undefined when the whole question asks', () => {
    expect(askingClause('How many augmentations does the new recipe use?')).toBeUndefined();
    expect(askingClause('token merging, pruning and distillation for faster ViTs')).toBeUndefined();
  });
});

describe('withoutContrasts', () => {
  it('drops what the question sets its subject against', () => {
    expect(withoutContrasts('Which one focuses on attention itself, linear versus sparse, rather than whole architectures like MoE?')).toBe('Which one focuses on attention itself, linear versus sparse?');
    expect(withoutContrasts('Which method predicts depth instead of optical flow?')).toBe('Which method predicts depth?');
    expect(withoutContrasts('The one using state space models instead of CNNs — which tasks does it cover?')).toBe('The one using state space models — which tasks does it cover?');
  });

  it('keeps the question when the contrast is all it says', () => {
    expect(withoutContrasts('Rather than what?')).toBe('Rather than what?');
  });
});

describe('countedQuantity', () => {
  it.each([
    ['How many GPUs did they scale to?', 'using 512 GPUs.', true],
    ['How many GPUs did they scale to?', 'on 8 A100 GPUs', true],
    ['How many GPUs did they scale to?', 'a single GPU baseline that sustains 39 TeraFLOPs', false],
    ['how many training examples are needed', 'with only 1,000 examples', true],
    ['how long did training take?', 'in less than 3 days.', true],
    ['how long did training take?', 'with hundreds of millions of images', false],
    ['How much time does pretraining need?', 'in 2,048 TPU-hours', true],
    ['How many stages does the distillation have?', 'a four-stage progressive distillation framework', true],
  ])('%s / %s → %s', (question, sentence, expected) => {
    expect(countedQuantity(question)?.test(sentence)).toBe(expected);
  });

  it('is undefined when the question counts nothing', () => {
    expect(countedQuantity('What top-1 accuracy does it reach?')).toBeUndefined();
    expect(countedQuantity('How long a context can it read?')).toBeUndefined();
  });
});

describe('statesFigure', () => {
  it.each([
    ['achieved 77.18% accuracy', true],
    ['reducing the size by up to 58%.', true],
    ['Our reference model (86M parameters)', true],
    ['The mT5 model was adapted for one language', false],
    ['compared with GPT-4 and ResNet-50', false],
  ])('%s → %s', (sentence, expected) => {
    expect(statesFigure(sentence)).toBe(expected);
  });
});
