// A web chat visitor's tabs as raw HTTP: a session made as the page makes one, and its event streams, read as they
// come, with whether the server ended them (what the page sees before it connects again).
import { expect } from 'vitest';

/** A visitor as the page makes one: a session, its token, and a first message so that they are a contact. */
export async function visitor(url: string, name: string): Promise<{ session: string; token: string }> {
  const made = await fetch(`${url}/webchat/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
  expect(made.status).toBe(201);
  const { session, token } = (await made.json()) as { session: string; token: string };
  const sent = await fetch(`${url}/webchat/${session}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ text: 'hello' }) });
  expect(sent.status).toBe(202);
  return { session, token };
}

/** One open tab's event stream: the texts it showed, and whether (and when) the server ended it. */
export interface Tab {
  texts: string[];
  ended: Promise<void>;
  isEnded: () => boolean;
  close: () => void;
}

export async function openTab(url: string, who: { session: string; token: string }): Promise<Tab> {
  const controller = new AbortController();
  const res = await fetch(`${url}/webchat/${who.session}/events?after=0`, { headers: { authorization: `Bearer ${who.token}`, accept: 'text/event-stream' }, signal: controller.signal });
  expect(res.status).toBe(200);
  const texts: string[] = [];
  let done = false;
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end; (end = buffer.indexOf('\n\n')) >= 0;) {
          const data = /^data: (.+)$/m.exec(buffer.slice(0, end))?.[1];
          buffer = buffer.slice(end + 2);
          if (data) texts.push((JSON.parse(data) as { text: string }).text);
        }
      }
    } catch { /* aborted by the test */ }
    done = true;
  })();
  return { texts, ended, isEnded: () => done, close: () => controller.abort() };
}

export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

