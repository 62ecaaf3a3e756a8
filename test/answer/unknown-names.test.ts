import { describe, expect, it } from 'vitest';
import { isGivenAsExample, namesMissingFromCorpus, prepareNameLookup } from '../../src/answer/unknown-names.ts';
import type { LoadedIndex } from '../../src/index/load-index.ts';

const abstracts = [
  'We train a ViT on 1248 $\\times$ 1248 images and compare with FlashAttention-2 on H100 GPUs.',
  'Our QFormer bridges a frozen image encoder and an LLM; LoRA adapters keep training cheap.',
  'Direct alignment of preferences with a reward model and policy optimization; English and Chinese data. Models get lost on long inputs, in the middle of documents.',
  'Patches of 16×16 pixels are embedded; speed is measured against PyTorch on Xeon servers.',
  'We scale the model to 8.3 billion parameters and pretrain on 40 million documents.',
  'Fine-tuning with backpropagation through a frozen tokenizer; the upsampling decoder is light.',
  'Faces are cropped by a YOLOv5 detector before classification.',
  'We revisit DeiT III training and compare with ConvNeXt and DeepSeek-VL.',
  'Speech features of wav2vec 2.0 are probed; the Gopher language model with a mixture of experts and Med-PaLM answer questions.',
  'Keyword spotting on SCv2 with a Nystr\\"om approximation of attention; results on the LRA benchmark; as fast as MobileNetV2times 1.4.',
];

/** Only `papers` is read by the name check. */
const index = { papers: abstracts.map((abstract, position) => ({ id: `p${position}`, title: `Paper ${position}`, abstract, sources: [], links: [] })) } as unknown as LoadedIndex;

const missing = (question: string) => namesMissingFromCorpus(question, index).map((name) => name.name);

describe('namesMissingFromCorpus', () => {
  it('finds sizes whatever the separator: NxN, N x N, N$\\times$N, N×N', () => {
    expect(missing('What accuracy at 1248x1248 resolution?')).toEqual([]);
    expect(missing('How fast on 16x16 patches?')).toEqual([]);
    expect(missing('What accuracy at 1024x1024 resolution?')).toEqual(['1024x1024']);
    // A "\\times" whose backslash the abstract lost ("MobileNetV2times 1.4") still ends the name.
    expect(missing('Is it as fast as MobileNetV2 on a phone?')).toEqual([]);
    // A factor is a quantity, however the abstract writes it.
    expect(missing('Which GPUs gave the 40x speed-up?')).toEqual([]);
  });

  it('finds model sizes written with a letter or a word: 8.3B, 8.3 billion', () => {
    expect(missing('How was an 8.3B model trained?')).toEqual([]);
    expect(missing('Which corpus of 40M documents?')).toEqual([]);
    expect(missing('How was a 175B model trained?')).toEqual(['175B']);
  });

  it('reads an unknown non-English word right after the verb as a system named in lower case', () => {
    expect(missing('how does byol avoid collapse without negative pairs?')).toEqual(['byol']);
    expect(missing("how do qwopnet's dilated convolutions grow the receptive field?")).toEqual(['qwopnet']);
  });

  it('reads a lower-case part that is neither in the corpus nor English as a name, even before a known size', () => {
    expect(missing('How many documents are in qwopdata-40m?')).toEqual(['qwopdata-40m']);
    expect(missing('Results of LoRA-tuned models on 40m-document corpora?')).toEqual([]);
  });

  it('leaves everyday words and forms of corpus words in that place alone', () => {
    expect(missing('does shoestring pretraining work?')).toEqual([]);
    expect(missing('how does neighbouring token merging help?')).toEqual([]);
    expect(missing('does finetuning hurt, and does backprop cost memory?')).toEqual([]);
    expect(missing('how does the upsampler work?')).toEqual([]);
    expect(missing('do dataloaders that pad sentences waste compute?')).toEqual([]);
  });

  it("reads a word joined to the field's model-name ending as a name, not a compound of two words", () => {
    // "decoder" + "former" and "token" + "net" are corpus words, but together they name a model.
    expect(missing('how does decoderformer decide where to look?')).toEqual(['decoderformer']);
    expect(missing("how do tokennet's layers grow?")).toEqual(['tokennet']);
  });

  it('knows a family named without its version when the corpus names a version of it', () => {
    expect(missing('Which optimizers beat YOLO detectors?')).toEqual([]);
    expect(missing('How does Yolo crop faces?')).toEqual([]);
    expect(missing('How does YOLOX crop faces?')).toEqual(['YOLOX']);
  });

  it('finds names written with other separators or case', () => {
    expect(missing('How does the Q-Former work?')).toEqual([]);
    expect(missing("What does the Q-Former's output feed?")).toEqual([]);
  });

  it('accepts compounds whose name parts are known, but not an unknown version of a known name', () => {
    expect(missing('Results of LoRA-tuned models on Chinese-English data?')).toEqual([]);
    expect(missing('What speedup does FlashAttention-3 reach?')).toEqual(['FlashAttention-3']);
    expect(missing('Is it 4-8x faster?')).toEqual([]);
  });

  it('reads a capital or two after a hyphen as a variant of the name', () => {
    expect(missing('How does LoRA-E merge adapters?')).toEqual(['LoRA-E']);
    expect(missing('How does LoRA-tuned ViT do?')).toEqual([]);
  });

  it('reads a name and a spaced version number as one name', () => {
    expect(missing('How fast is FlashAttention 2 on long inputs?')).toEqual([]);
    expect(missing('How fast is FlashAttention 3 on long inputs?')).toEqual(['FlashAttention 3']);
    expect(missing('Does the QFormer 2 work better?')).toEqual(['QFormer 2']);
    // Quantities and numbered document parts are not versions.
    expect(missing('Does a QFormer 4 times larger help?')).toEqual([]);
    expect(missing('What does Table 2 report about LoRA?')).not.toContain('Table 2');
  });

  it('reads a version however it is written: a Roman numeral, a digit, a "V" before it', () => {
    expect(missing('What recipe does DeiT 3 propose?')).toEqual([]);
    expect(missing('What recipe does DeiT III propose?')).toEqual([]);
    expect(missing('What does DeiT IV add?')).toEqual(['DeiT IV']);
    expect(missing('What does ConvNeXt V2 add to masked pretraining?')).toEqual(['ConvNeXt V2']);
    expect(missing('How does DeepSeek-V3 balance its experts?')).toEqual(['DeepSeek-V3']);
    expect(missing('How does DeepSeek-VL read charts?')).toEqual([]);
  });

  it('finds a one-part name only as a whole word', () => {
    // "QFormer" holds "former" but not as a word.
    expect(missing('Does the Former block help?')).toEqual(['Former']);
    expect(missing('How does LoRA compare?')).toEqual([]);
    expect(missing('Do Adaptor layers help?')).toEqual(['Adaptor']);
  });

  it('finds a name in the singular or the plural', () => {
    // The corpus has "adapters" and "mixture of experts".
    expect(missing('Do Adapter layers help?')).toEqual([]);
    expect(missing('How does a Mixture of Expert layer route tokens?')).toEqual([]);
    expect(missing('How do Decoding Heads work?')).toEqual(['Decoding Heads']);
  });

  it('checks all-capital acronyms too, in the singular or the plural the corpus uses', () => {
    expect(missing('How much does RLHF improve chat models?')).toEqual(['RLHF']);
    expect(missing('In the KAN paper, what replaces activation functions?')).toEqual(['KAN']);
    // The corpus writes "LLM" and "GPUs".
    expect(missing('Do LLMs need an LLM adapter on a GPU?')).toEqual([]);
    // Reported once, not as "TPUs" and "TPU" (two unknown names would refuse even a search for papers).
    expect(missing('Does it train on TPUs?')).toEqual(['TPUs']);
    // A question typed in capitals throughout has no acronyms to tell apart.
    expect(missing('HOW DOES LORA WORK?')).toEqual([]);
  });

  it('checks hyphenated all-capital names, whose parts may be known apart', () => {
    expect(missing('Why does I-JEPA predict representations instead of pixels?')).toEqual(['I-JEPA']);
    // "LLM" and "LRA" are both in the corpus.
    expect(missing('Is an LLM-LRA pipeline any good?')).toEqual([]);
  });

  it('reads a compound joined by a function word as one name', () => {
    // The corpus has "reward", "model" and "policy" apart, never "Reward-of-Policy".
    expect(missing('How does Reward-of-Policy training work?')).toEqual(['Reward-of-Policy']);
    expect(missing('How does Policy-Optimization work?')).toEqual([]);
  });

  it('finds a paper called by a lower-case name', () => {
    expect(missing('What did the grokking paper find about training?')).toEqual(['grokking']);
    const named = namesMissingFromCorpus('So what did the grokking paper find?', index)[0];
    expect(named && 'So what did the grokking paper find?'.slice(named.offset, named.offset + named.name.length)).toBe('grokking');
    expect(missing('In the lost in the middle paper, why do models miss facts?')).toEqual(['lost in the middle']);
    expect(missing('What did the qwop-2 paper show?')).toEqual(['qwop-2']);
    // Hyphenated corpus words are found with their separators.
    expect(missing('What did the fine-tuning paper show?')).toEqual([]);
    // Described with the corpus's own words, or qualified, it is not a name.
    expect(missing('What did the reward model paper find?')).toEqual([]);
    expect(missing('In the original paper, how fast was training?')).toEqual([]);
    expect(missing('What did the seminal policy optimization paper show?')).toEqual([]);
  });

  it('treats a run of capitalised words as one name', () => {
    expect(missing('How does Direct Preference Optimization avoid a reward model?')).toEqual(['Direct Preference Optimization']);
    expect(missing('Who won the Grand Slam?')).toEqual(['Grand Slam']);
  });

  it('finds a name written in full whose initials the corpus uses: three or more, or two with the version', () => {
    expect(missing('What accuracy on Speech Commands v2?')).toEqual([]);
    expect(missing('What accuracy on Speech Commands v3?')).toEqual(['Speech Commands v3']);
    expect(missing('How well does it do on Long Range Arena?')).toEqual([]);
    // Two initials alone ("GS") say too little.
    expect(missing('Who won the Grand Slam?')).toEqual(['Grand Slam']);
  });

  it('reads a capitalised word inside a hyphenated compound as a name', () => {
    expect(missing('Which study found that Othello-playing transformers build a world model?')).toEqual(['Othello-playing']);
    expect(missing('Do Gopher-sized models need more data?')).toEqual([]);
    expect(missing('Othello-playing models: what do they learn?')).toEqual([]);
  });

  it('reads accented names with or without their accents, in the question and in LaTeX abstracts', () => {
    expect(missing('Does the Nyström approximation help?')).toEqual([]);
    expect(missing('Does the Nystrom approximation help?')).toEqual([]);
    expect(missing('How does Nyströmformer scale?')).toEqual(['Nyströmformer']);
  });

  it('joins capitalised words over "of" into one name, not over the words of a Title-Case description', () => {
    expect(missing('What does Tree of Thoughts add to prompting?')).toEqual(['Tree of Thoughts']);
    expect(missing('How does a Mixture of Experts route tokens?')).toEqual([]);
    expect(missing('Do Speech and Gopher models agree?')).toEqual([]);
    expect(missing('How do Speech Features for Gopher work?')).toEqual([]);
  });

  it('finds a lower-case name with digits written with separators in the corpus', () => {
    expect(missing('do wav2vec2 features encode emotion?')).toEqual([]);
    expect(missing('do wav2vec3 features encode emotion?')).toEqual(['wav2vec3']);
  });

  it('reads a lower-case possessive subject as a name even when it is an English word', () => {
    expect(missing("how do medusa's extra heads speed up decoding?")).toEqual(['medusa']);
    // A corpus word owning something is not a name.
    expect(missing("how does the model's memory grow?")).toEqual([]);
  });

  it('does not make a compound of a corpus word and a short English word', () => {
    // "med" (Med-PaLM) and "usa" do not make "medusa"; "fine" and "tuning" make "finetuning".
    expect(missing("how do medusa's heads work?")).toEqual(['medusa']);
    expect(missing('does finetuning hurt?')).toEqual([]);
  });

  it('reads a lower-case word in parentheses that no abstract has as the name of what is described', () => {
    expect(missing('why do small models generalize long after they overfit (grokking)?')).toEqual(['grokking']);
    expect(missing('why does a big model (gopher) answer better?')).toEqual([]);
  });

  it("passes over the owner of a name the corpus knows: DeepMind's Gopher", () => {
    expect(missing("How many parameters does DeepMind's Gopher have?")).toEqual([]);
    expect(missing("How many parameters does DeepMind's Chinchilla have?")).toEqual(['DeepMind', 'Chinchilla']);
    expect(missing("how does zorblab's Gopher answer?")).toEqual([]);
    // Not one capitalised name with what it owns.
    expect(missing("What does Direct's Gopher answer?")).toEqual([]);
    expect(missing("how does zorblab's memory grow?")).toEqual(['zorblab']);
  });

  it('reads a rounded size as a quantity, a size stated flatly as a name', () => {
    expect(missing('a ViT with about 300M params')).toEqual([]);
    expect(missing('what top-1 does the ~300M-parameter model reach?')).toEqual([]);
    expect(missing('what top-1 does the 300M-parameter model reach?')).toEqual(['300M-parameter']);
    expect(missing('How was a 175B model trained?')).toEqual(['175B']);
  });
});

describe('prepareNameLookup', () => {
  const large = (count: number) => ({
    papers: Array.from({ length: count }, (_, position) => ({ title: `Paper ${position}`, abstract: `Model${position} beats QFormer on ${position}x${position} images.` })),
  });

  it('prepares in slices and answers as the lookup made on demand does, also when a question comes midway', async () => {
    const questions = ['How does Model1234 compare?', 'Is Model9999 better than Q-Former?', 'What about 1200x1200 images?', 'And 5000x5000?'];
    const onDemand = large(1300);
    const expected = questions.map((question) => namesMissingFromCorpus(question, onDemand).map((name) => name.name));
    expect(expected).toEqual([[], ['Model9999'], [], ['5000x5000']]);

    const prepared = large(1300);
    await prepareNameLookup(prepared);
    expect(questions.map((question) => namesMissingFromCorpus(question, prepared).map((name) => name.name))).toEqual(expected);

    const midway = large(1300);
    const preparing = prepareNameLookup(midway);
    // Past the first yield and one slice: the rest is left to the question.
    for (let tick = 0; tick < 2; tick++) await new Promise((resolve) => setImmediate(resolve));
    expect(questions.map((question) => namesMissingFromCorpus(question, midway).map((name) => name.name))).toEqual(expected);
    await preparing;
    expect(questions.map((question) => namesMissingFromCorpus(question, midway).map((name) => name.name))).toEqual(expected);
  });
});

describe('isGivenAsExample', () => {
  it('excuses a tool the described method works with', () => {
    const question = 'Driver detection that crops the face with YOLO: which dataset was used?';
    expect(isGivenAsExample(question, { name: 'YOLO', offset: question.indexOf('YOLO') })).toBe(true);
  });

  it('does not excuse the benchmark an asked number is measured on', () => {
    const question = 'What pass@1 do code models score on HumanEval?';
    expect(isGivenAsExample(question, { name: 'HumanEval', offset: question.indexOf('HumanEval') })).toBe(false);
    // Capitalised words that go on naming the benchmark are no other name.
    const variant = 'What resolve rate do coding agents reach on Zorbench Verified Lite?';
    expect(isGivenAsExample(variant, { name: 'Zorbench', offset: variant.indexOf('Zorbench') })).toBe(false);
    // With another name in the question, "on" names the setting.
    const described = 'Pruned BERT: how much faster were the kernels on Xeon?';
    expect(isGivenAsExample(described, { name: 'Xeon', offset: described.indexOf('Xeon') })).toBe(true);
  });

  it.each([
    ['do image codes behave like words, e.g. Zipfian laws?', 'Zipfian', true],
    ['how much faster than stock Torchish were the kernels?', 'Torchish', true],
    ['pruned BERT on Zephyrus servers: how much faster?', 'Zephyrus', true],
    ['How does Zephyrus route tokens?', 'Zephyrus', false],
    // Both sides of "how does A compare with B" are its subject; "compared with B" sets a baseline.
    ['How does Gopher compare with Zephyrus on long inputs?', 'Zephyrus', false],
    ['How much faster is it compared with Zephyrus?', 'Zephyrus', true],
    // A name the asker excludes or points past is not what the question is about.
    ['Not Zephyrus: the later model that reads whole books. How long a context does it take?', 'Zephyrus', true],
    ['Other than Zephyrus, which pruning method keeps accuracy at 50 % sparsity?', 'Zephyrus', true],
    ['Unlike Zephyrus, which detector needs no anchor boxes?', 'Zephyrus', true],
    ['Similar in spirit to Zephyrus, which model drafts several tokens at once?', 'Zephyrus', true],
    ['Instead of Zephyrus, what did they distil from?', 'Zephyrus', true],
    ["Zephyrus aside, which study prunes weights in one shot?", 'Zephyrus', true],
    // "not" after the name is no cue: the question is still about it.
    ['Why does Zephyrus not need a reward model?', 'Zephyrus', false],
  ])('%s: %s → %s', (question, name, expected) => {
    expect(isGivenAsExample(question, { name, offset: question.indexOf(name) })).toBe(expected);
  });
});
