import type { FastifyRequest } from 'fastify';
import { denied } from '../domain/errors.ts';
import type { ChannelConfig, Sandboxes } from '../sandbox.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The channel the request's API key belongs to; set by `authenticate`. */
    channel: ChannelConfig;
  }
}

const TOKEN = /^Token (\S+)$/;
const CODE = /^Code (\S+)$/;

/**
 * `Authorization: Token <api_key>` is required; `Channel: Code <channel_code>` is optional and, when
 * sent, must name the key's own channel. Every failure is the vendor's one 403 — no 401, and nothing
 * that tells a wrong key from a wrong channel.
 */
export function authenticate(sandboxes: Sandboxes, request: FastifyRequest): void {
  const key = TOKEN.exec(headerOf(request, 'authorization') ?? '')?.[1];
  const channel = key === undefined ? undefined : sandboxes.authenticate(key);
  if (!channel) throw denied();
  const channelHeader = headerOf(request, 'channel');
  if (channelHeader !== undefined && CODE.exec(channelHeader)?.[1] !== channel.code) throw denied();
  request.channel = channel;
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
