import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface FixturePaper {
  title: string;
  abstract: string;
}

export const FIXTURE_PAPERS: FixturePaper[] = [
  {
    title: 'EventFormer: Transformers for Event Cameras',
    abstract:
      'Event cameras record brightness changes asynchronously instead of full frames. We propose EventFormer, a transformer that reads event streams directly. EventFormer reaches 91.2% accuracy on the DVS Gesture benchmark. Code is at https://github.com/example/eventformer.',
  },
  {
    title: 'TinyText: Small Language Models on Phones',
    abstract:
      'Large language models are too big for mobile devices. TinyText distills a 7B teacher into a 120M student that runs on phones at 30 tokens per second. The student keeps 94% of the teacher quality on GLUE.',
  },
  {
    title: 'Orbital Vision: Remote Sensing with Vision Transformers',
    abstract:
      'Satellite and aerial images cover the Earth every day. Orbital Vision pretrains a vision transformer on 2 million satellite tiles. It improves land-cover segmentation by 4.1 mIoU over a ResNet baseline.',
  },
  {
    title: 'Speech Synthesis with Flow Transformers',
    abstract:
      'Text-to-speech systems turn written text into audio. We present a flow-matching transformer for speech synthesis that needs no duration model. Listeners rate its naturalness at 4.3 MOS.',
  },
];

/** Writes the fixture papers as a seed dump in the blank-line layout, with page boilerplate. */
export async function writeFixtureSeeds(papers: FixturePaper[] = FIXTURE_PAPERS): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'paperchat-seeds-'));
  const blocks = papers.map((paper) => `${paper.title}\n\n${paper.abstract}`).join('\n\n');
  await fs.writeFile(path.join(dir, '000_fixture.txt'), `new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\nMar 11\n\n${blocks}\n`);
  return dir;
}

export async function makeTempDir(prefix = 'paperchat-data-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}
