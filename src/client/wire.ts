/**
 * @module client/wire
 * The client's side of the wire format: encoding envelopes, decoding errors, building the URL.
 */
import { ClientError, ClientErrorCodes } from './client-error';
import type { ClientOptions, QueryValues } from './options';
import type { WireError } from '../protocol/wire';

/** The payload of an `error` envelope: `{code, message, event?, details?}`. */
export type ServerErrorPayload = WireError;

/** `{"event","payload"?,"id"?}` (an undefined payload is left out). */
export function encode(event: string, payload: unknown, id: number | undefined): string {
  return JSON.stringify(id === undefined ? { event, payload } : { event, payload, id });
}

/** The error of anything attempted on a closed client. */
export function closedError(): ClientError {
  return new ClientError(ClientErrorCodes.CLOSED, 'The client is closed');
}

/** A server error envelope's payload as a `ClientError`. */
export function toClientError(payload: unknown, event: string): ClientError {
  const body = (payload ?? {}) as Partial<ServerErrorPayload>;
  return new ClientError(String(body.code ?? 'ERROR'), String(body.message ?? 'Request failed'), {
    event: body.event ?? event,
    details: body.details,
  });
}

/**
 * Appends the `query` option and `extra` parameters to the URL; an `extra` parameter replaces the
 * option's of the same name. `extra` is encoded with `encodeURIComponent`, whose length is what was bounded.
 */
export function withQuery(url: string, query: ClientOptions['query'], extra: Array<[string, string]> = []): string {
  const values: QueryValues | undefined = typeof query === 'function' ? query() : query;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values ?? {})) {
    if (value !== undefined && !extra.some(([name]) => name === key)) params.append(key, String(value));
  }
  const parts = extra.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  const text = [params.toString(), ...parts].filter((part) => part.length > 0).join('&');
  if (text.length === 0) return url;
  return url + (url.includes('?') ? '&' : '?') + text;
}
