import type { FileReading } from '../types.ts';
import { formatForFile, SUPPORTED_EXTENSIONS } from './index.ts';
import type { FormatOptions, SeedEntry } from './types.ts';

export interface SeedFileResult {
  reading: FileReading;
  entries: SeedEntry[];
}

/** Either the decoded text or why the bytes are not a text file this reader can take. */
type Decoded = { text: string } | { line: number; reason: string };

/**
 * Bytes → text. UTF-8 (with or without BOM) and BOM-marked UTF-16 are read; anything else
 * (a Latin-1 or Windows-1252 export, a binary file) is refused with the line of the first
 * byte that is not UTF-8, because guessing an encoding would silently garble names.
 */
export function decodeSeedBytes(bytes: Uint8Array): Decoded {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)) };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)) };
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(start);
  const nul = body.indexOf(0);
  if (nul >= 0) return { line: lineOfByte(body, nul), reason: 'binary content (NUL bytes): not a text file; for UTF-16 save it with a byte-order mark, or better as UTF-8' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body) };
  } catch {
    const offset = firstInvalidUtf8(body);
    return { line: lineOfByte(body, offset), reason: `not valid UTF-8 (byte 0x${(body[offset] ?? 0).toString(16)} at line ${lineOfByte(body, offset)}); save the file as UTF-8` };
  }
}

function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset; index++) if (bytes[index] === 0x0a) line++;
  return line;
}

/** Offset of the first byte that breaks UTF-8 (a lead byte without its continuation bytes, or a stray one). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index]!;
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte <= 0xdf ? 2 : byte >= 0xe0 && byte <= 0xef ? 3 : byte >= 0xf0 && byte <= 0xf4 ? 4 : 0;
    if (length === 0) return index;
    for (let next = 1; next < length; next++) {
      const continuation = bytes[index + next];
      if (continuation === undefined || (continuation & 0xc0) !== 0x80) return index;
    }
    index += length;
  }
  return index;
}

/**
 * Reads one seed file already in memory: decodes it, picks the format by extension, checks the
 * content is of that format, and parses it. Never throws for bad input: every failure is a
 * problem in the reading, so one broken file never costs the other files their papers.
 */
export function readSeedBytes(file: string, bytes: Uint8Array, options: FormatOptions): SeedFileResult {
  const format = formatForFile(file);
  const reading: FileReading = { file, format: format?.format ?? null, bytes: bytes.length, entries: 0, problems: [] };
  const fail = (line: number, reason: string): SeedFileResult => {
    reading.problems.push({ file, line, text: '', reason, kind: 'file' });
    return { reading, entries: [] };
  };
  if (!format) return fail(1, `unsupported file type (supported: ${SUPPORTED_EXTENSIONS.join(', ')})`);

  const decoded = decodeSeedBytes(bytes);
  if ('reason' in decoded) return fail(decoded.line, decoded.reason);
  // One line-ending convention for every parser: CRLF and CR files report the same lines as LF ones.
  const text = decoded.text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (!text.trim()) return fail(1, 'empty file: no entries');
  const mismatch = format.check(text);
  if (mismatch) return fail(1, `${mismatch} (read as ${format.format} because of the extension)`);

  let parsed: ReturnType<typeof format.parse>;
  try {
    parsed = format.parse(file, text, options);
  } catch (error) {
    // A parser library failing on input it should have reported is still this file's problem only.
    const message = error instanceof Error ? error.message : String(error);
    const line = /line[: ]+(\d+)/i.exec(message)?.[1];
    return fail(line ? Number(line) : 1, `could not be parsed as ${format.format}: ${message.split('\n')[0]}`);
  }
  reading.entries = parsed.entries.length;
  reading.problems.push(...parsed.problems);
  if (parsed.entries.length === 0 && !reading.problems.some((problem) => problem.kind === 'file')) {
    reading.problems.push({ file, line: 1, text: '', reason: `no ${format.format} entries found`, kind: 'file' });
  }
  return { reading, entries: parsed.entries };
}
