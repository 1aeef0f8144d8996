// NLP and reports over the admin API: the intents and their examples, an example added from a misrouted message
// (written to the admin's training file, then the model retrains and routes it), trying a sentence; the reports'
// series by day and their CSV export.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupDirs, dataDirWith, shippedDataDir, start, visitor } from '../../helpers.ts';
import { FLOW, TEAM } from '../../admin-ui/flows.ts';
import { ADMIN_TOKEN, adminClient } from './client.ts';

afterAll(cleanupDirs);

describe('NLP over the admin API', () => {
  it('lists intents with examples and languages, adds an example and retrains, and tries a sentence', async () => {
    const dir = await shippedDataDir();
    const app = await start(dir, { adminToken: ADMIN_TOKEN });
    const admin = adminClient(app.url);
    try {
      const nlp = await admin.get<{ intents: { name: string; team?: string; examples: string[]; languages: string[] }[]; warnings: string[] }>('/nlp');
      const billing = nlp.body.intents.find((intent) => intent.name === 'billing')!;
      expect(billing.examples).toContain('I was charged twice this month');
      // The team the shipped flow routes each intent to.
      expect(Object.fromEntries(nlp.body.intents.map((intent) => [intent.name, intent.team]))).toEqual({ billing: 'Billing', tech_support: 'Support', sales: 'Sales' });
      expect(billing.languages).toEqual(['ar', 'en']);
      expect(nlp.body.warnings).toEqual(expect.any(Array));

      const phrase = 'the gizmo spits out purple smoke';
      const before = (await admin.post<{ intent?: string; nearest: { intent: string; text: string; score: number }[] }>('/nlp/try', { text: phrase })).body;
      expect(before.nearest.length).toBeGreaterThan(0);
      expect(before.nearest[0]).toMatchObject({ intent: expect.any(String), text: expect.any(String), score: expect.any(Number) });

      const added = await admin.post('/nlp/examples', { intent: 'tech_support', text: phrase, messageId: 12 });
      expect(added.status).toBe(201);
      expect(await readFile(join(dir, 'nlp', 'admin.yaml'), 'utf8')).toContain(phrase);
      // The same words under another intent would refuse the whole training data: refused, nothing written.
      const clash = await admin.post('/nlp/examples', { intent: 'billing', text: 'The gizmo spits out purple smoke' });
      expect(clash.status).toBe(422);
      expect(clash.body.error).toContain('tech_support');
      // Its kind and what it names, for the dashboard to say it in its own language.
      expect(clash.body).toMatchObject({ kind: 'exampleOfAnother', text: 'The gizmo spits out purple smoke', intent: 'tech_support', at: expect.stringMatching(/^nlp\/admin\.yaml:\d+:\d+$/) });
      expect((await readFile(join(dir, 'nlp', 'admin.yaml'), 'utf8')).match(/purple/gi)).toHaveLength(1);
      expect((await admin.post('/nlp/examples', { intent: 'bad intent!', text: 'x' })).status).toBe(422);

      expect((await admin.post('/nlp/retrain')).status).toBe(202);
      await app.intents.ready();
      const after = (await admin.post<{ intent?: string; confidence: number; nearest: { text: string }[] }>('/nlp/try', { text: phrase })).body;
      expect(after.nearest[0]).toMatchObject({ intent: 'tech_support', text: phrase, score: 1 });
      expect(after.intent).toBe('tech_support');
      const listed = await admin.get<{ intents: { name: string; examples: string[] }[] }>('/nlp');
      expect(listed.body.intents.find((intent) => intent.name === 'tech_support')!.examples).toContain(phrase);
    } finally {
      await app.stop();
    }
  }, 60_000); // two trainings of the shipped data (3-4 s each on a quiet core), twice that when the suite loads both cores
});

interface Refusing {
  intents: { name: string; examples: string[] }[];
  warnings: string[];
  refused?: { errors: string[]; problems: object[]; unlisted: string[]; model: 'previous' | 'none' };
}

describe('a refused training file over the admin API', () => {
  it('shows its refusal at the line and column to fix, and refuses an example added meanwhile saying where', async () => {
    const dir = await shippedDataDir();
    // An intent written twice, and (in another file) an example that is no text.
    await writeFile(join(dir, 'nlp', 'extra.yaml'), 'intents:\n  billing:\n    - my bill is wrong\n  billing:\n    - refund please\n');
    const app = await start(dir, { adminToken: ADMIN_TOKEN });
    const admin = adminClient(app.url);
    try {
      const twice = 'nlp/extra.yaml:4:3: "billing" is written twice here (write it once, with all its examples under it)';
      // Refused from the start: no model serves; the shipped file's examples are listed, extra.yaml's cannot be.
      const refused = (await admin.get<Refusing>('/nlp')).body;
      expect(refused.refused).toEqual({
        errors: [twice],
        // The same at its place, with what it is, for the dashboard to say in its own words.
        problems: [{ file: 'nlp/extra.yaml', line: 4, column: 3, message: twice.replace('nlp/extra.yaml:4:3: ', ''), known: { kind: 'writtenTwice', name: 'billing' } }],
        unlisted: ['nlp/extra.yaml'],
        model: 'none',
      });
      expect(refused.warnings).not.toContain(twice);
      expect(refused.intents.find((intent) => intent.name === 'billing')!.examples).toContain('I was charged twice this month');
      expect(refused.intents.flatMap((intent) => intent.examples)).not.toContain('my bill is wrong');
      const added = await admin.post<{ error: string }>('/nlp/examples', { intent: 'sales', text: 'how much is the pro plan' });
      expect(added.status).toBe(422);
      expect(added.body.error).toBe(`the training data is refused, so nothing was added: ${twice}; fix that first`);
      // Its kind, and where and why the data is refused, for the dashboard to say it in its own language.
      expect(added.body).toEqual({ error: added.body.error, kind: 'trainingDataRefused', problem: refused.refused?.problems[0] });

      await writeFile(join(dir, 'nlp', 'extra.yaml'), 'intents:\n  billing:\n    - my bill is wrong\n    - { text: refund please }\n');
      await app.intents.ready();
      expect((await admin.get<Refusing>('/nlp')).body.refused?.errors).toEqual(['nlp/extra.yaml:4:7: an example of "billing" must be a text, not {"text":"refund please"}']);
    } finally {
      await app.stop();
    }
  }, 60_000);

  it('says the model trained before keeps serving when a file is refused after it, and lists every example when each file reads well', async () => {
    const dir = await shippedDataDir();
    const app = await start(dir, { adminToken: ADMIN_TOKEN });
    const admin = adminClient(app.url);
    try {
      expect((await admin.get<Refusing>('/nlp')).body.refused).toBeUndefined();
      // Both files read well, but one example under two intents refuses the data: nothing is left unlisted.
      await writeFile(join(dir, 'nlp', 'extra.yaml'), 'intents:\n  sales:\n    - what does the pro plan cost\n    - I was charged twice this month\n');
      await app.intents.ready();
      const clash = (await admin.get<Refusing>('/nlp')).body;
      expect(clash.refused).toEqual({
        errors: ['nlp/intents.yaml:6:7: "I was charged twice this month" is an example of both "sales" (nlp/extra.yaml:4:7) and "billing"; keep it under one intent'],
        problems: [expect.objectContaining({
          file: 'nlp/intents.yaml', line: 6, column: 7,
          known: { kind: 'exampleOfTwo', example: 'I was charged twice this month', first: 'sales', second: 'billing', at: 'nlp/extra.yaml:4:7' },
        })],
        unlisted: [],
        model: 'previous',
      });
      expect(clash.intents.find((intent) => intent.name === 'sales')!.examples).toContain('what does the pro plan cost');
      expect(app.intents.classify('I was charged twice this month')?.intent).toBe('billing');
    } finally {
      await app.stop();
    }
  }, 60_000);
});

interface Eval {
  at: string; dataHash: string; folds: number; threshold: number; examples: number; accuracy: number; acceptedAccuracy: number;
  intents: { intent: string; examples: number; accuracy: number }[];
  confused: { intent: string; mistakenFor: string; count: number }[];
  background: { sentences: number; rejected: number | null };
}

/** `GET /api/nlp`'s eval figures once they are there (and not those of `other` data). */
async function evalFigures(admin: ReturnType<typeof adminClient>, notOf?: string): Promise<Eval> {
  for (let i = 0; i < 600; i++) {
    const figures = (await admin.get<{ eval?: Eval }>('/nlp')).body.eval;
    if (figures && figures.dataHash !== notOf) return figures;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no eval figures after 60 s');
}

describe('the NLP eval figures over the admin API', () => {
  it('cross-validates the admin\u2019s training data after each training, and keeps the figures by the data\u2019s hash', async () => {
    const dir = await shippedDataDir({ trained: false });
    const app = await start(dir, { adminToken: ADMIN_TOKEN });
    const admin = adminClient(app.url);
    let again: Eval;
    try {
      const figures = await evalFigures(admin);
      // The shipped data: 4 intents of 58 to 68 examples, so 5 folds; the shipped background sentences held out too.
      expect(figures).toMatchObject({ folds: 5, threshold: 0.45, examples: 249 });
      expect(Date.parse(figures.at)).toBeGreaterThan(Date.now() - 120_000);
      expect(figures.dataHash).toMatch(/^[0-9a-f]{16}$/);
      expect(figures.intents.map((intent) => intent.intent).sort()).toEqual(['billing', 'other', 'sales', 'tech_support']);
      expect(figures.intents.reduce((sum, intent) => sum + intent.examples, 0)).toBe(249);
      expect(figures.accuracy).toBeGreaterThan(0.5);
      expect(figures.acceptedAccuracy).toBeLessThanOrEqual(figures.accuracy);
      expect(figures.confused.length).toBeGreaterThan(0);
      expect(figures.confused[0]!.count).toBeGreaterThanOrEqual(figures.confused.at(-1)!.count);
      expect(figures.background.sentences).toBeGreaterThan(600);
      expect(figures.background.rejected).toBeGreaterThan(0.3);

      // New data: new figures, for its hash.
      expect((await admin.post('/nlp/examples', { intent: 'billing', text: 'my invoice shows a fee I never agreed to' })).status).toBe(201);
      await app.intents.ready();
      again = await evalFigures(admin, figures.dataHash);
      expect(again.examples).toBe(250);
      expect(Date.parse(again.at)).toBeGreaterThanOrEqual(Date.parse(figures.at));
    } finally {
      await app.stop();
    }
    // A restart finds the figures of the same data in the cache: the very same, `at` included.
    const restarted = await start(dir, { adminToken: ADMIN_TOKEN });
    try {
      const cached = await evalFigures(adminClient(restarted.url));
      expect(cached).toEqual(again);
      expect(restarted.intents.trainings).toBe(0);
    } finally {
      await restarted.stop();
    }
  }, 180_000);
});

describe('why there are no NLP eval figures, over the admin API', () => {
  it('says when the examples cannot be cross-validated, and when the last training failed', async () => {
    const dir = await dataDirWith({ 'inbound.yaml': FLOW });
    await writeFile(join(dir, 'team.yaml'), TEAM);
    await mkdir(join(dir, 'nlp'));
    await writeFile(join(dir, 'nlp', 'intents.yaml'), 'intents:\n  billing:\n    - I was charged twice\n    - my bill is wrong\n');
    const app = await start(dir, { adminToken: ADMIN_TOKEN });
    const admin = adminClient(app.url);
    type Missing = { eval?: unknown; evalSkipped?: string; training?: string };
    try {
      await app.intents.ready();
      // One intent: a model serves, and no figures are coming.
      let overview: Missing = {};
      for (let i = 0; i < 200 && overview.evalSkipped === undefined; i++) {
        overview = (await admin.get<Missing>('/nlp')).body;
        if (overview.evalSkipped === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(overview).toMatchObject({ evalSkipped: 'cross-validation needs at least two intents' });
      expect(overview.eval).toBeUndefined();
      expect(overview.training).toBeUndefined();
      // A background "file" that cannot be read: no model of the data as it is now.
      await mkdir(join(dir, 'nlp', 'background.en.txt'));
      await expect(app.intents.ready()).rejects.toThrow(/EISDIR/);
      expect((await admin.get<Missing>('/nlp')).body.training).toBe('failed');
    } finally {
      await app.stop();
    }
  }, 60_000);
});

describe('what the training data check finds, over the admin API', () => {
  it('gives each finding by kind, with the names it is about, and says why there are no figures only as evalSkipped', async () => {
    const dir = await dataDirWith({ 'inbound.yaml': FLOW });
    await writeFile(join(dir, 'team.yaml'), TEAM);
    await mkdir(join(dir, 'nlp'));
    await writeFile(join(dir, 'nlp', 'intents.yaml'), 'intents:\n  billing:\n    - I was charged twice\n    - تم خصم المبلغ مرتين\n  sales:\n    - what does the pro plan cost\n');
    const app = await start(dir, { adminToken: ADMIN_TOKEN });
    const admin = adminClient(app.url);
    type Checked = { evalSkipped?: string; findings: Record<string, unknown>[]; warnings: string[] };
    try {
      await app.intents.ready();
      let overview: Checked = { findings: [], warnings: [] };
      for (let i = 0; i < 200 && overview.evalSkipped === undefined; i++) {
        overview = (await admin.get<Checked>('/nlp')).body;
        if (overview.evalSkipped === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(overview.evalSkipped).toBe('intent "sales" has 1 example; cross-validation needs at least 2 per intent');
      // The dashboard says that in the admin's language beside the figures; not again, in English, among the warnings.
      expect(overview.warnings).toEqual([]);
      expect(overview.findings).toEqual([
        { file: 'nlp/intents.yaml', line: 2, kind: 'few examples', intent: 'billing', count: 2, min: 5, message: 'intent "billing" has 2 examples; give it at least 5 (10 to 30 work best)' },
        { file: 'nlp/intents.yaml', line: 5, kind: 'few examples', intent: 'sales', count: 1, min: 5, message: 'intent "sales" has 1 example; give it at least 5 (10 to 30 work best)' },
        {
          file: 'nlp/intents.yaml', line: 5, kind: 'missing language', intent: 'sales', language: 'ar', having: ['billing'],
          message: 'intent "sales" has no Arabic examples while "billing" has: Arabic messages meant for it will go elsewhere or get the clarify question; add a few',
        },
      ]);
    } finally {
      await app.stop();
    }
  }, 60_000);
});

describe('reports over the admin API', () => {
  it('gives the figures with series by day, and the same period as CSV', async () => {
    let current = Date.parse('2026-11-24T09:00:00Z');
    const at = (seconds: number) => (current = Date.parse('2026-11-24T09:00:00Z') + seconds * 1000);
    const app = await start(await shippedDataDir(), { now: () => new Date(current), adminToken: ADMIN_TOKEN });
    const admin = adminClient(app.url);
    try {
      const omar = visitor(app.url, 'agent-omar');
      await omar.say('/online');
      const layla = visitor(app.url, 'layla', 'Layla');
      at(0);
      await layla.say('hello');
      await layla.say('layla@example.com');
      await layla.say('I was charged twice');
      at(90);
      await omar.say('Hello Layla, looking into it');
      at(600);
      await omar.say('/close refunded');
      at(86_400 + 3600);
      await visitor(app.url, 'sam', 'Sam').say('hello');

      const report = await admin.get<{ total: { opened: number }; series: Record<string, unknown> }>('/reports?from=2026-11-24&to=2026-11-26');
      expect(report.status).toBe(200);
      expect(report.body.total.opened).toBe(2);
      expect(report.body.series).toEqual({
        days: ['2026-11-24', '2026-11-25'],
        conversationsByTeam: { Billing: [1, 0], Support: [0, 0], Sales: [0, 0], '(no team)': [0, 1] },
        firstResponseSeconds: [90, null],
        resolutionSeconds: [600, null],
        intents: { billing: [1, 0] },
        intentTitles: { billing: 'Billing' },
        intentTeams: { billing: 'Billing' },
      });
      // Without a period: the 30 days up to today.
      const recent = await admin.get<{ series: { days: string[] } }>('/reports');
      expect(recent.body.series.days).toHaveLength(30);
      expect(recent.body.series.days.at(-1)).toBe('2026-11-25');
      const backwards = await admin.get<{ error: string }>('/reports?from=2026-11-26&to=2026-11-24');
      expect(backwards.status).toBe(400);
      // Named as the query parameter it is, never "body".
      expect(backwards.body.error).toBe('to: must come after from (to is not included: from=2026-11-01&to=2026-11-02 is 1 November)');
      expect((await admin.get<{ error: string }>('/reports.csv?from=2026-11-24&to=2026-11-24')).body.error).toMatch(/^to: must come after from/);

      const csv = await admin.get<string>('/reports.csv?from=2026-11-24&to=2026-11-26');
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(csv.headers.get('content-disposition')).toContain('attachment');
      expect(csv.body.split('\r\n')).toEqual([
        'day,team,opened,closed,assigned,first_response_median_seconds,resolution_median_seconds,resolved,closed_by_bot,auto_closed,still_open,passed_on,passed_on_by_admin,agent',
        '2026-11-24,all,1,1,1,90,600,1,0,0,0,0,0,',
        '2026-11-24,Billing,1,1,1,90,600,1,0,0,0,0,0,',
        '2026-11-24,Support,0,0,0,,,0,0,0,0,0,0,',
        '2026-11-24,Sales,0,0,0,,,0,0,0,0,0,0,',
        '2026-11-25,all,1,0,0,,,0,0,0,1,0,0,',
        '2026-11-25,Billing,0,0,0,,,0,0,0,0,0,0,',
        '2026-11-25,Support,0,0,0,,,0,0,0,0,0,0,',
        '2026-11-25,Sales,0,0,0,,,0,0,0,0,0,0,',
        // The whole period, as the page's figures and its tables per team and per agent.
        '2026-11-24/2026-11-25,all,2,1,1,90,600,1,0,0,1,0,0,',
        '2026-11-24/2026-11-25,Billing,1,1,1,90,600,1,0,0,0,0,0,',
        '2026-11-24/2026-11-25,Support,0,0,0,,,0,0,0,0,0,0,',
        '2026-11-24/2026-11-25,Sales,0,0,0,,,0,0,0,0,0,0,',
        '2026-11-24/2026-11-25,,1,1,1,90,600,1,0,0,0,0,0,Omar',
        '2026-11-24/2026-11-25,,0,0,0,,,0,0,0,0,0,0,Sara',
        '2026-11-24/2026-11-25,,0,0,0,,,0,0,0,0,0,0,Lina',
        '',
      ]);
    } finally {
      await app.stop();
    }
  });
});
