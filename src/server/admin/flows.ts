// `/api/flows`: list, read, validate as you type, publish with a version check, history, rollback and removal of
// the flow scripts in DATA_DIR/flows. Names are checked before anything touches the disk, so no path leaves it.
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { PUBLISHED_NAME, type PublishOutcome } from '../../flows/publishing.ts';
import { line, word } from '../../handover/lines.ts';
import type { Conversation } from '../../store/types.ts';
import { pageLanguage } from '../language.ts';
import { nameOf } from './auth.ts';
import { badRequest, publishedJson, tooLarge, type AdminContext } from './context.ts';

/** The largest flow, in bytes of its file (UTF-8). */
const MAX_SOURCE = 256 * 1024;
const sourceBody = z.object({ source: z.string() }).strict();
const publishBody = z.object({ source: z.string(), baseVersion: z.string().nullable().optional() }).strict();
const rollbackBody = z.object({
  version: z.string().regex(/^[0-9a-f]{12}$/, 'a version is 12 hex digits'),
  // Required, unlike publishing's: a rollback is always over some version, and the one the admin saw must be it.
  baseVersion: z.string({ required_error: 'the version current when you looked (null if the flow was removed) is required, so a publish since then is not undone' }).nullable(),
}).strict();

/** The flow name of the URL, or undefined after answering 400. */
function flowName(req: Request, res: Response): string | undefined {
  const name = String(req.params.name);
  if (PUBLISHED_NAME.test(name)) return name;
  res.status(400).json({ error: 'a flow name is 1 to 64 lower-case letters, digits, "_" and "-", starting with a letter or digit' });
  return undefined;
}

/** The conversations whose flow has not ended: their next message runs the version they started on. */
function stillRunning(conversations: Conversation[]): Conversation[] {
  return conversations.filter((conversation) => conversation.flow !== undefined && conversation.flow.done !== true);
}

/** Mounts the flow routes on the admin router. */
export function mountFlows(router: Router, context: AdminContext): void {
  const { publisher, feed } = context;
  const json = publishedJson('a flow', MAX_SOURCE);

  // A flow file changed on disk (a text editor, a git pull) is news to an admin editing it, as a colleague's publish is.
  publisher.onChangedOnDisk((name, version) => feed.publish({ type: 'flows', data: { name, version, onDisk: true } }));

  /**
   * 200 { version } with the flow announced, 422 with the errors, 409 with the current version (and `onDisk` when the
   * file was changed on disk, not published from the dashboard).
   */
  const answer = async (req: Request, res: Response, name: string, outcome: PublishOutcome, author: string, what: 'publish' | 'rollback' = 'publish') => {
    if (outcome.ok) {
      context.log.info({ flow: name, version: outcome.version, by: author }, 'flow published from the admin API');
      feed.publish({ type: 'flows', data: { name, version: outcome.version } });
      context.published?.('flows');
      return void res.json({ version: outcome.version });
    }
    if ('errors' in outcome) return void res.status(422).json({ error: `the flow has ${outcome.errors.length === 1 ? '1 error' : `${outcome.errors.length} errors`}; nothing was published`, errors: outcome.errors });
    const language = pageLanguage(req);
    const onDisk = outcome.conflict !== null && !(await publisher.publishedHere(name, outcome.conflict));
    const stale = onDisk
      ? `flows/${name}.yaml changed on disk since you opened it (now version ${outcome.conflict}, saved outside the dashboard); nothing was ${what === 'publish' ? 'published' : 'rolled back'}: reload it and apply your changes again`
      : what === 'publish'
        ? 'someone published this flow since you opened it; reload it and apply your changes again'
        : word(line('rollbackStale', String(outcome.conflict)), language);
    // `kind` says what the answer is, for the page that words it in its own language.
    const kind = outcome.conflict === null ? 'removedSince' : 'publishedSince';
    res.status(409).json({ error: outcome.conflict === null ? word(line('flowGone', name), language) : stale, kind, currentVersion: outcome.conflict, ...(onDisk ? { onDisk } : {}) });
  };

  router.get('/flows', async (_req, res) => {
    const open = await context.store.openConversations();
    const files = await publisher.list();
    const inService = context.flows.inService();
    const names = new Set(files.map((file) => publisher.flowNameOf(file.name)));
    const listed = files.map((file) => {
      const flow = publisher.flowNameOf(file.name);
      const on = open.filter((conversation) => conversation.flow?.flow === flow);
      // What a publish does not reach: customers finish on the version they started on.
      const current = inService.find((served) => served.name === flow)?.version;
      const earlier = stillRunning(on).filter((conversation) => conversation.flow?.version !== current).length;
      // The row names the version in service: its count is of those that began on it, not of the flow's every version.
      const onThisVersion = on.filter((conversation) => current !== undefined && conversation.flow?.version === current).length;
      return {
        name: file.name, version: file.version, updatedAt: file.updatedAt ?? null, updatedBy: file.updatedBy ?? null,
        status: file.error ? 'error' : 'ok', ...(file.error ? { error: file.error, problem: file.problem } : {}), ...(file.serving ? { serving: file.serving } : {}),
        openConversations: on.length, onThisVersion, ...(earlier > 0 ? { onEarlierVersions: earlier } : {}),
      };
    });
    // A flow whose file was removed or renamed on disk still runs for the customers who started on it.
    for (const flow of inService) names.add(flow.name);
    const gone = new Map<string, number>();
    for (const conversation of stillRunning(open)) {
      const flow = conversation.flow!.flow;
      if (!names.has(flow)) gone.set(flow, (gone.get(flow) ?? 0) + 1);
    }
    const removed = [...gone].sort(([a], [b]) => a.localeCompare(b)).map(([name, count]) => ({
      name, version: null, updatedAt: null, updatedBy: null, status: 'removed', openConversations: count, onEarlierVersions: count,
    }));
    res.json({ flows: [...listed, ...removed] });
  });

  router.get('/flows/:name', async (req, res) => {
    const name = flowName(req, res);
    if (!name) return;
    const file = await publisher.get(name);
    if (!file) return void res.status(404).json({ error: word(line('noSuchFlow', name), pageLanguage(req)) });
    res.json({ name, version: file.version, source: file.source });
  });

  router.post('/flows/:name/validate', json, (req, res) => {
    const name = flowName(req, res);
    if (!name) return;
    const body = sourceBody.safeParse(req.body);
    if (!body.success) return void badRequest(res, body.error, 422);
    if (tooLarge(res, 'a flow', body.data.source, MAX_SOURCE)) return;
    const errors = publisher.validate(name, body.data.source);
    res.json({ ok: errors.length === 0, errors, warnings: errors.length === 0 ? publisher.warnings(name, body.data.source) : [] });
  });

  router.put('/flows/:name', json, async (req, res) => {
    const name = flowName(req, res);
    if (!name) return;
    const body = publishBody.safeParse(req.body);
    if (!body.success) return void badRequest(res, body.error, 422);
    if (tooLarge(res, 'a flow', body.data.source, MAX_SOURCE)) return;
    const author = nameOf(res);
    await answer(req, res, name, await publisher.publish(name, body.data.source, body.data.baseVersion ?? null, author), author);
  });

  router.get('/flows/:name/versions', async (req, res) => {
    const name = flowName(req, res);
    if (!name) return;
    const current = (await publisher.get(name))?.version;
    const versions = await publisher.versions(name);
    if (versions.length === 0 && current === undefined) return void res.status(404).json({ error: word(line('noSuchFlow', name), pageLanguage(req)) });
    res.json({ versions: versions.map((version) => ({ ...version, current: version.version === current })) });
  });

  router.get('/flows/:name/versions/:version', async (req, res) => {
    const name = flowName(req, res);
    if (!name) return;
    const found = await publisher.version(name, String(req.params.version));
    if (!found) return void res.status(404).json({ error: word(line('noSuchVersion', name, String(req.params.version)), pageLanguage(req)) });
    res.json({ name, version: found.version, source: found.source, publishedAt: found.publishedAt, publishedBy: found.publishedBy });
  });

  router.post('/flows/:name/rollback', json, async (req, res) => {
    const name = flowName(req, res);
    if (!name) return;
    const body = rollbackBody.safeParse(req.body);
    if (!body.success) return void badRequest(res, body.error, 422);
    const author = nameOf(res);
    const outcome = await publisher.rollback(name, body.data.version, body.data.baseVersion, author);
    if (!outcome) return void res.status(404).json({ error: word(line('noSuchVersion', name, String(body.data.version)), pageLanguage(req)) });
    await answer(req, res, name, outcome, author, 'rollback');
  });

  router.delete('/flows/:name', async (req, res) => {
    const name = flowName(req, res);
    if (!name) return;
    const { removed, openConversations: open } = await publisher.remove(name);
    if (open !== undefined) return void res.status(409).json({ error: `${open} open conversation(s) run on this flow; close them or wait until they end`, openConversations: open });
    if (!removed) return void res.status(404).json({ error: word(line('noSuchFlow', name), pageLanguage(req)) });
    context.log.info({ flow: name, by: nameOf(res) }, 'flow removed from the admin API');
    feed.publish({ type: 'flows', data: { name, version: null } });
    context.published?.('flows');
    res.status(204).end();
  });
}
