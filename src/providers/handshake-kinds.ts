/**
 * The names of the handshakes, shared by the construct (which adds the GET route when a provider
 * needs it) and the ingest handler (handshake.ts, which answers them). No handler code here: this
 * file ships in lib/, handshake.ts only in the ingest bundle.
 */

/** The handshakes the ingest function answers. */
export type HandshakeKind = 'slack' | 'meta' | 'crc' | 'dropbox' | 'okta' | 'graph' | 'zoom' | 'asana' | 'discord' | 'twitch';

/** The handshakes that arrive as `GET /webhook/{provider}`. */
export const GET_HANDSHAKES: readonly HandshakeKind[] = ['meta', 'crc', 'dropbox', 'okta'];
