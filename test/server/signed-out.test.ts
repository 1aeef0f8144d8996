// A sign-out that holds: the dashboard's cookie and an agent's, signed out, stay refused after a restart on the same
// DATA_DIR (someone who copied the cookie keeps no access), while a new sign-in opens as before.
import { afterAll, expect, it } from 'vitest';
import { agentToken, cleanupDirs, shippedDataDir, start } from '../helpers.ts';
import { ADMIN_TOKEN, signIn } from './admin/client.ts';

afterAll(cleanupDirs);

const agentSignIn = async (url: string): Promise<string> => {
  const login = await fetch(`${url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: agentToken('agent-omar') }) });
  expect(login.status).toBe(204);
  return login.headers.get('set-cookie')!.split(';')[0]!;
};
const session = (url: string, cookie: string) => fetch(`${url}/api/session`, { headers: { cookie } }).then((res) => res.status);
const omarsMessages = (url: string, cookie: string) => fetch(`${url}/webchat/agent-omar/messages`, { headers: { cookie } }).then((res) => res.status);

it('refuses a signed-out cookie, the dashboard\'s and an agent\'s, after a restart too', async () => {
  const dir = await shippedDataDir();
  // One second for all of it: a sign-in right after a sign-out is a new cookie all the same.
  const now = () => new Date('2026-12-07T09:00:00Z');
  let app = await start(dir, { adminToken: ADMIN_TOKEN, now });
  let stopped = false;
  try {
    const admin = (await signIn(app.url)).cookie!;
    const agent = await agentSignIn(app.url);
    expect(await session(app.url, admin)).toBe(200);
    expect(await omarsMessages(app.url, agent)).toBe(200);

    expect((await fetch(`${app.url}/api/logout`, { method: 'POST', headers: { cookie: admin, 'x-requested-with': 'switchboard' } })).status).toBe(200);
    expect((await fetch(`${app.url}/agent/logout`, { method: 'POST', headers: { cookie: agent } })).status).toBe(204);
    expect(await session(app.url, admin)).toBe(401);
    // Before, signing out at /agent only cleared the browser's cookie: a copy of it still opened Omar's session.
    expect(await omarsMessages(app.url, agent)).toBe(401);

    await app.stop();
    stopped = true;
    app = await start(dir, { adminToken: ADMIN_TOKEN, now });
    stopped = false;
    expect(await session(app.url, admin)).toBe(401);
    expect(await omarsMessages(app.url, agent)).toBe(401);
    // Signing in again opens as before.
    expect(await session(app.url, (await signIn(app.url)).cookie!)).toBe(200);
    expect(await omarsMessages(app.url, await agentSignIn(app.url))).toBe(200);
  } finally {
    if (!stopped) await app.stop();
  }
});
