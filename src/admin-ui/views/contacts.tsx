// Contacts: search, a contact's fields edited (a field emptied is removed), their conversations, and erasing
// them with everything they said (a data-protection request), after a confirmation.
import { useEffect, useState } from 'preact/hooks';
import { RESERVED_FIELD_NAMES } from '../../flows/fields.ts';
import { api, ApiError, query, type Contact, type ConversationSummary } from '../api.ts';
import { back, channelName, contactName, lang, named, t, when } from '../i18n.ts';
import { ConfirmButton, errorMessage, Loading, Notice, useLoad, usePaged } from '../ui.tsx';
import { ConversationRows } from './conversations.tsx';

export function ContactList() {
  const [q, setQ] = useState('');
  const [applied, setApplied] = useState('');
  const contacts = usePaged((cursor) => api<{ contacts: Contact[]; nextCursor?: string }>('GET', `/api/contacts${query({ q: applied, cursor, limit: 50 })}`)
    .then(({ contacts: items, nextCursor }) => ({ items, ...(nextCursor ? { nextCursor } : {}) })), [applied]);
  return (
    <div>
      <h1>{t('contactsTitle')}</h1>
      <form class="filters" role="search" onSubmit={(event) => { event.preventDefault(); setApplied(q); }}>
        <input type="search" aria-label={t('search')} placeholder={t('searchContacts')} value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        <button type="submit">{t('search')}</button>
      </form>
      <Loading loaded={contacts.first}>
        {() => contacts.items.length === 0 ? <p class="muted">{t('noContacts')}</p> : (<>
          <ul class="rows">
            {contacts.items.map((contact) => (
              <li class="row" data-id={contact.id}>
                <a href={`#/contacts/${encodeURIComponent(contact.id)}`}>
                  <span class="who" dir="auto">{contactName(contact)}</span>
                  <span class="meta">
                    {contact.identities.map((identity) => <span class="badge">{channelName(identity.channel)}: <bdi dir="ltr" translate={false}>{identity.id}</bdi></span>)}
                    <span class="muted">{t('conversations')}: {contact.conversations}</span>
                  </span>
                </a>
              </li>
            ))}
          </ul>
          {contacts.moreError ? <Notice kind="error">{contacts.moreError}</Notice> : null}
          {contacts.cursor ? <button type="button" class="secondary" onClick={contacts.more}>{t('loadMore')}</button> : null}
        </>)}
      </Loading>
    </div>
  );
}

type Row = { key: string; value: string; original?: string };

/** A field's value as its box shows it; undefined for a field the contact does not have (not one every object answers to). */
function fieldText(fields: Contact['fields'], key: string): string | undefined {
  if (!Object.hasOwn(fields, key)) return undefined;
  const value = fields[key];
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function rowsOf(contact: Contact): Row[] {
  return Object.keys(contact.fields).map((key) => ({ key, value: fieldText(contact.fields, key) ?? '', original: key }));
}

/** A field name as flows write it after `contact.` (as the API takes it). */
const FIELD_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Why the rows cannot be saved as they are, in the admin's words, or undefined: a name the API refuses, two rows of
 * one name (the second would win unseen), a name flows cannot read holding a value.
 */
function rowsProblem(rows: Row[], contact: Contact): string | undefined {
  const seen = new Set<string>();
  for (const row of rows) {
    const key = row.key.trim();
    if (!key) continue;
    if (!FIELD_KEY.test(key)) return t('fieldNameBad', { field: named(key) });
    if (seen.has(key)) return t('fieldNameTwice', { field: named(key) });
    seen.add(key);
    if (RESERVED_FIELD_NAMES.includes(key) && row.value !== '' && row.value !== fieldText(contact.fields, key)) return t('fieldNameReserved', { field: named(key) });
  }
  return undefined;
}

export function ContactDetail({ id }: { id: string }) {
  const loaded = useLoad(() => api<{ contact: Contact; conversations: ConversationSummary[] }>('GET', `/api/contacts/${encodeURIComponent(id)}`), [id]);
  const [name, setName] = useState('');
  const [rows, setRows] = useState<Row[]>([]);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string; loadTheirs?: true } | undefined>();
  const [erased, setErased] = useState<string | undefined>();
  // The contact as the server answered a save refused because someone changed it meanwhile: saved again, the admin's
  // edit goes over that, having seen it; until then, over what the page loaded.
  const [current, setCurrent] = useState<Contact | undefined>();
  useEffect(() => {
    if (!loaded.data) return;
    setName(loaded.data.contact.name ?? '');
    setRows(rowsOf(loaded.data.contact));
    setCurrent(undefined);
  }, [loaded.data]);
  if (erased) return <div><h1>{t('contactsTitle')}</h1><Notice kind="ok">{erased}</Notice><p><a href="#/contacts">{back()} {t('contactsTitle')}</a></p></div>;

  const save = async (event: Event) => {
    event.preventDefault();
    const contact = loaded.data?.contact;
    if (!contact) return;
    const problem = rowsProblem(rows, contact);
    if (problem) return setNotice({ kind: 'error', text: problem });
    // No prototype: a field named __proto__ (an older store may hold one) is then a field like any other, sent and removed.
    const fields: Record<string, string | null> = Object.create(null) as Record<string, string | null>;
    const kept = new Set(rows.map((row) => row.key.trim()).filter(Boolean));
    for (const key of Object.keys(contact.fields)) if (!kept.has(key)) fields[key] = null;
    for (const row of rows) {
      const key = row.key.trim();
      if (!key) continue;
      if (fieldText(contact.fields, key) !== row.value) fields[key] = row.value === '' ? null : row.value;
    }
    // What the admin read of what they change: the server refuses the edit if someone changed it since.
    const read = current ?? contact;
    const renamed = name !== (contact.name ?? '');
    const seen = {
      ...(renamed ? { name: read.name ?? null } : {}),
      fields: Object.fromEntries(Object.keys(fields).map((key) => [key, Object.hasOwn(read.fields, key) ? read.fields[key] : null])),
    };
    try {
      await api('PATCH', `/api/contacts/${encodeURIComponent(id)}`, { ...(renamed ? { name } : {}), fields, seen });
      setNotice({ kind: 'ok', text: t('saved') });
      loaded.reload();
    } catch (error) {
      const changedSince = error instanceof ApiError && error.status === 409 && error.body.kind === 'changedSince' ? (error.body as { changed: string[]; contact: Contact }) : undefined;
      if (changedSince) {
        setCurrent(changedSince.contact);
        const now = changedSince.changed.map((key) => {
          const value = key === 'name' ? changedSince.contact.name : fieldText(changedSince.contact.fields, key);
          const field = named(key === 'name' ? t('name') : key);
          return value === undefined ? t('contactRemovedNow', { field }) : t('contactNow', { field, value: named(value) });
        });
        return setNotice({ kind: 'error', text: t('contactChangedSince', { changed: now.join(lang() === 'ar' ? '، ' : '; ') }), loadTheirs: true });
      }
      setNotice({ kind: 'error', text: error instanceof ApiError && error.body.errors ? error.body.errors.map((each) => each.message).join('; ') : errorMessage(error) });
    }
  };
  const erase = async () => {
    try {
      const answer = await api<{ erased: { conversations: number; messages: number; files: number } }>('DELETE', `/api/contacts/${encodeURIComponent(id)}`);
      setErased(t('erased', answer.erased));
    } catch (error) {
      // An erase the store failed says, in the admin's language, that the contact is still there: more than "try again".
      setNotice({ kind: 'error', text: error instanceof ApiError && error.status === 503 && error.body.error ? error.body.error : errorMessage(error) });
    }
  };
  return (
    <div class="contact-page">
      <p><a href="#/contacts">{back()} {t('contactsTitle')}</a></p>
      <Loading loaded={loaded}>
        {(data) => (
          <>
            <h1 class="who" dir="auto">{contactName(data.contact)}</h1>
            <p class="meta">
              {data.contact.identities.map((identity) => <span class="badge">{channelName(identity.channel)}: <bdi dir="ltr" translate={false}>{identity.id}</bdi></span>)}
              {data.contact.tags.map((tag) => <bdi class="badge tag">{tag}</bdi>)}
              <span class="muted">{t('created')}: {when(data.contact.createdAt)}</span>
            </p>
            {notice ? (
              <Notice kind={notice.kind}>
                {notice.text}
                {notice.loadTheirs ? <> <button type="button" class="secondary" onClick={() => { setNotice(undefined); loaded.reload(); }}>{t('contactLoadTheirs')}</button></> : null}
              </Notice>
            ) : null}
            <form class="contact-form" onSubmit={save}>
              <label for="contact-name">{t('name')}</label>
              <input id="contact-name" dir="auto" value={name} onInput={(e) => setName(e.currentTarget.value)} />
              <fieldset>
                <legend>{t('fields')}</legend>
                {rows.map((row, index) => (
                  <div class="field-row">
                    <input aria-label={t('fieldKey')} dir="ltr" value={row.key} onInput={(e) => setRows(rows.map((each, i) => (i === index ? { ...each, key: e.currentTarget.value } : each)))} />
                    <input aria-label={`${t('fieldValue')} ${named(row.key)}`} dir="auto" value={row.value} onInput={(e) => setRows(rows.map((each, i) => (i === index ? { ...each, value: e.currentTarget.value } : each)))} />
                    <button type="button" class="secondary" onClick={() => setRows(rows.filter((_, i) => i !== index))}>{t('remove')}</button>
                    {RESERVED_FIELD_NAMES.includes(row.key.trim()) ? <p class="field-warning">{t('fieldNameReserved', { field: named(row.key.trim()) })}</p> : null}
                  </div>
                ))}
                <button type="button" class="secondary" onClick={() => setRows([...rows, { key: '', value: '' }])}>{t('addField')}</button>
              </fieldset>
              <button type="submit">{t('save')}</button>
            </form>
            <h2>{t('conversations')}</h2>
            <ConversationRows conversations={data.conversations} />
            <div class="danger-zone">
              <ConfirmButton danger label={t('erase')} question={t('eraseWarning', { name: named(contactName(data.contact)) })} confirm={t('eraseConfirm')} onConfirm={erase} />
            </div>
          </>
        )}
      </Loading>
    </div>
  );
}
