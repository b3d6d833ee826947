import { Readable } from 'node:stream';
import { setImmediate as turn } from 'node:timers/promises';
import type { StateCapture } from '../record-index.ts';

/**
 * `GET /__sim/state` as a stream: the document `{"format","channel","state"}` serialised a slice of
 * records at a time from a capture of the state (the keys as they were, and copy-on-write values of
 * the records changed since: record-index.ts), the event loop given back between slices. Serialising a
 * large state in one go took seconds during which no other channel was answered, and past V8's longest
 * string (~512 MiB) it failed outright; this way no string larger than a slice is built, and a stall is
 * one slice long.
 */
export function stateDocumentStream(
  format: string,
  channel: string,
  capture: StateCapture,
  sliceChars = 1 << 16,
): Readable {
  const stream = Readable.from(chunks(format, channel, capture, sliceChars), { objectMode: false });
  // Also when the stream is destroyed before its first chunk was asked for.
  stream.once('close', () => capture.close());
  return stream;
}

async function* chunks(
  format: string,
  channel: string,
  capture: StateCapture,
  sliceChars: number,
): AsyncGenerator<Buffer> {
  try {
    let buffer = `{"format":${JSON.stringify(format)},"channel":${JSON.stringify(channel)},"state":{`;
    let firstMember = true;
    for (const member of capture.members) {
      const prefix = `${firstMember ? '' : ','}${JSON.stringify(member.name)}:`;
      if ('json' in member) {
        if (member.json === undefined) continue;
        buffer += prefix + member.json;
        firstMember = false;
        continue;
      }
      firstMember = false;
      buffer += `${prefix}{`;
      let first = true;
      for (const key of member.keys) {
        if (key === null) continue;
        const json = JSON.stringify(capture.valueOf(member, key));
        if (json === undefined) continue;
        buffer += `${first ? '' : ','}${JSON.stringify(key)}:${json}`;
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
  } finally {
    // Done, failed or abandoned by the client: stop keeping old values for this capture.
    capture.close();
  }
}
