// A customer's picture over the real server, where each of those who see it fetches it: her web chat, the agent
// console of the agent who holds her, the dashboard's transcript. For the erase tests: what is served, and when.
import { expect } from 'vitest';
import { agentToken, visitor } from '../../helpers.ts';
import { form } from '../../channels/webchat-harness.ts';
import { ADMIN_TOKEN, adminClient } from './client.ts';

/** The picture she sends: a PNG's signature and a few bytes. */
export const PICTURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 5, 6, 7, 8]);

/** How her picture is served, from a server at `url`: its bytes, or the status answered instead. */
export interface PictureServed { webchat: Uint8Array | number; console: Uint8Array | number; dashboard: Uint8Array | number }

/**
 * Layla on the web chat, held by Lina (signed in to the agent console), sends a picture: her contact id, and how the
 * picture is served (from the server at `url`, the same one restarted, or another on a copy of its DATA_DIR) where
 * each of them fetches it: her web chat, Lina's console, the dashboard's transcript. On the shipped DATA_DIR.
 *
 *     const { laylaId, picture } = await laylaSendsPicture(app.url);
 *     expect(await picture(app.url)).toEqual({ webchat: PICTURE, console: PICTURE, dashboard: PICTURE });
 */
export async function laylaSendsPicture(url: string): Promise<{ laylaId: string; picture: (url: string) => Promise<PictureServed> }> {
  const signIn = async (base: string) => {
    const login = await fetch(`${base}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: agentToken('agent-lina') }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    return (path: string, body?: unknown) => fetch(`${base}/agent/api${path}`, body === undefined ? { headers: { cookie } } : { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  };
  const lina = await signIn(url);
  expect((await lina('/act', { action: { kind: 'status', status: 'online' } })).status).toBe(200);
  const layla = visitor(url, `layla at ${url}`, 'Layla');
  await layla.say('hello');
  await layla.say('layla@example.com');
  await layla.say('I was charged twice');
  const { session, token } = await layla.credentials();
  expect((await fetch(`${url}/webchat/${session}/messages`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form({ bytes: PICTURE, type: 'image/png', name: 'statement.png' }, { text: 'my statement' }) })).status).toBe(202);
  const held = ((await (await lina('/state')).json()) as { held: { id: number }[] }).held;
  expect(held).toHaveLength(1);
  const conversation = held[0]!.id;
  const listed = (await (await lina(`/conversations/${conversation}/messages`)).json()) as { messages: { attachments?: { url: string }[] }[] };
  const ref = listed.messages.find((m) => m.attachments)!.attachments![0]!.url.split('/').at(-1)!;
  const laylaId = (await adminClient(url).get<{ contacts: { id: string }[] }>('/contacts?q=layla%40example')).body.contacts[0]!.id;
  const served = async (res: Response) => (res.status === 200 ? new Uint8Array(await res.arrayBuffer()) : res.status);
  return {
    laylaId,
    picture: async (base) => ({
      webchat: await served(await fetch(`${base}/webchat/${session}/media/${ref}`, { headers: { authorization: `Bearer ${token}` } })),
      console: await served(await (await signIn(base))(`/conversations/${conversation}/media/${ref}`)),
      dashboard: await served(await fetch(`${base}/api/conversations/${conversation}/media/${ref}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })),
    }),
  };
}
