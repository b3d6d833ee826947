import { Readable } from 'node:stream';
import { setImmediate as turn } from 'node:timers/promises';
import type { CapturedState } from '../store/snapshot.ts';

/**
 * `GET /__sim/state` as a stream: the document `{"format","channel","state"}` serialised a slice of
 * records at a time from a capture of the state (keys and record references taken at one instant, see
 * snapshot.ts), the event loop given back between slices. Serialising a large state in one go took
 * seconds during which no other channel was answered, and past V8's longest string (~512 MiB) it
 * failed outright; this way no string larger than a slice is built, and a stall is one slice long.
 */
export function stateDocumentStream(
  format: string,
  channel: string,
  capture: CapturedState,
  sliceChars = 1 << 16,
): Readable {
  return Readable.from(chunks(format, channel, capture, sliceChars), { objectMode: false });
}

async function* chunks(
  format: string,
  channel: string,
  capture: CapturedState,
  sliceChars: number,
): AsyncGenerator<Buffer> {
  let buffer = `{"format":${JSON.stringify(format)},"channel":${JSON.stringify(channel)},"state":{`;
  let firstPart = true;
  for (const part of capture.parts) {
    const prefix = `${firstPart ? '' : ','}${JSON.stringify(part.name)}:`;
    firstPart = false;
    if (part.kind === 'value') {
      buffer += prefix + part.json;
      continue;
    }
    buffer += `${prefix}{`;
    let first = true;
    for (let i = 0; i < part.keys.length; i++) {
      const json = JSON.stringify(part.values[i]);
      if (json === undefined) continue;
      buffer += `${first ? '' : ','}${JSON.stringify(part.keys[i])}:${json}`;
      first = false;
      if (buffer.length >= sliceChars) {
        yield Buffer.from(buffer, 'utf8');
        buffer = '';
        await turn();
      }
    }
    buffer += '}';
  }
  yield Buffer.from(`${buffer}}}`, 'utf8');
}
