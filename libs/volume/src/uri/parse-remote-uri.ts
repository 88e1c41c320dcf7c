/**
 * URIs of volumes held by remote cutout services:
 *
 * - `boss://host[:port]/collection/experiment/channel[?resolution=N]` (HTTPS; `boss+http://` for
 *   plain HTTP, e.g. a local test server)
 * - `dvid://host:port/uuid/dataname` (plain HTTP, DVID's usual setup; `dvid+https://` for TLS)
 *
 * Credentials never go into these URIs (the bossDB token comes from `BOSS_TOKEN`): a URI with a
 * user, password or `token` parameter is refused, and the message shows it with those parts
 * masked.
 */
import { VolumeUriError } from '../errors/volume-errors';
import type { VolumeFormat } from '../volume.types';

/** Formats served by a remote cutout service. */
export const REMOTE_FORMATS = ['boss', 'dvid'] as const;

/** A remote format. */
export type RemoteFormat = (typeof REMOTE_FORMATS)[number];

/** True for `boss` and `dvid`. */
export function isRemoteFormat(format: VolumeFormat): format is RemoteFormat {
  return (REMOTE_FORMATS as readonly string[]).includes(format);
}

/** What a remote URI names. */
export interface RemoteLocation {
  /** `https://host[:port]` or `http://host[:port]`, no trailing slash. */
  endpoint: string;
  /** Decoded path segments: collection/experiment/channel (boss) or uuid/dataname (dvid). */
  segments: string[];
  /** Query parameters (boss: `resolution`). */
  params: Record<string, string>;
}

const LAYOUT: Record<RemoteFormat, { defaultProtocol: 'http' | 'https'; names: string[]; params: string[] }> = {
  boss: { defaultProtocol: 'https', names: ['collection', 'experiment', 'channel'], params: ['resolution'] },
  dvid: { defaultProtocol: 'http', names: ['uuid', 'dataname'], params: [] },
};

/** The URI with any user, password and `token` value replaced by `***`, for messages. */
export function maskCredentials(uri: string): string {
  return uri.replace(/^([^:]+:\/\/)[^/@?#]*@/, '$1***@').replace(/([?&]token=)[^&#]*/gi, '$1***');
}

function decodeSegment(uri: string, text: string): string {
  try {
    return decodeURIComponent(text);
  } catch (cause) {
    throw new VolumeUriError(uri, `bad percent-encoding in '${text}'`, { cause });
  }
}

/**
 * Parses the part after `<format>[+transport]:` of a remote URI. `transport` is `http`,
 * `https` or undefined (the format's default). Throws `VolumeUriError`.
 */
export function parseRemoteUri(uri: string, format: RemoteFormat, transport: string | undefined, rest: string, hasFragment: boolean): RemoteLocation {
  const layout = LAYOUT[format];
  const example = format === 'boss' ? 'boss://api.bossdb.io/collection/experiment/channel?resolution=0' : 'dvid://emdata.example.org:8000/<uuid>/<dataname>';
  if (transport !== undefined && transport !== 'http' && transport !== 'https') {
    throw new VolumeUriError(uri, `unknown transport '+${transport}' for ${format} (known: http, https)`);
  }
  if (!rest.startsWith('//')) throw new VolumeUriError(uri, `${format} URIs look like ${example}`);
  if (hasFragment) throw new VolumeUriError(uri, `${format} URIs take no '#fragment'`);
  let url: URL;
  try {
    url = new URL(`${transport ?? layout.defaultProtocol}:${rest}`);
  } catch (cause) {
    throw new VolumeUriError(uri, `${format} URIs look like ${example}`, { cause });
  }
  if (url.username !== '' || url.password !== '' || url.searchParams.has('token')) {
    const bossHint = format === 'boss' ? ' (set BOSS_TOKEN instead)' : '';
    throw new VolumeUriError(maskCredentials(uri), `credentials do not belong in volume URIs${bossHint}`);
  }
  if (url.hostname === '') throw new VolumeUriError(uri, `${format} URIs need a host: ${example}`);
  const segments = url.pathname.split('/').filter((s) => s !== '').map((s) => decodeSegment(uri, s));
  if (segments.length !== layout.names.length) {
    throw new VolumeUriError(uri, `${format} URIs name ${layout.names.join('/')} after the host (${example}), got ${segments.length} path segment(s)`);
  }
  const params: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (!layout.params.includes(key)) {
      const known = layout.params.length ? `known: ${layout.params.join(', ')}` : 'it takes none';
      throw new VolumeUriError(uri, `unknown ${format} URI parameter '${key}' (${known})`);
    }
    params[key] = value;
  }
  return { endpoint: url.origin, segments, params };
}
