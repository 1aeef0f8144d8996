// Unpublished edits are not lost unasked: while an editor (a flow, team.yaml) holds text that differs from what was
// published, going to another page of the dashboard (a link, a tab, the back button) first asks, on the page, whether
// to leave; a reload and closing the tab get the browser's own question.
import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { t } from './i18n.ts';

/** One entry per editor shown with unpublished text. */
const unpublished = new Set<object>();
/** The address the admin went to while text was unpublished, until they leave or stay. */
let asked: string | undefined;
const listeners = new Set<() => void>();
const told = () => { for (const listener of listeners) listener(); };

/**
 * Holds the page while `changed`: leaving it asks first.
 *
 *     useUnpublished(draft !== publishedSource);
 */
export function useUnpublished(changed: boolean): void {
  // In the same commit as the page that shows it (a layout effect): an effect runs a frame later, after paint, and
  // for that frame a click on Queue right after "Published version" showed asked about text already published (and
  // one right after typing left without asking).
  useLayoutEffect(() => {
    if (!changed) return;
    const entry = {};
    unpublished.add(entry);
    const ask = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', ask);
    return () => {
      unpublished.delete(entry);
      window.removeEventListener('beforeunload', ask);
    };
  }, [changed]);
}

/**
 * Whether the dashboard may show the page at `address` now: yes when nothing is unpublished; else it asks the
 * admin (`LeaveQuestion`) and answers no, the caller keeping the page shown.
 *
 *     if (!mayLeave(location.href)) history.replaceState(history.state, '', shown);
 */
export function mayLeave(address: string): boolean {
  if (unpublished.size === 0) return true;
  asked = address;
  told();
  return false;
}

/**
 * Goes to `address` without asking: the admin chose to, or what was unpublished is gone already (the flow deleted).
 *
 *     leaveAnyway('#/flows');
 */
export function leaveAnyway(address: string): void {
  unpublished.clear();
  asked = undefined;
  told();
  location.assign(address);
}

/** The question, above the page, while the admin has not said whether to leave unpublished text. */
export function LeaveQuestion() {
  const [, rerender] = useState(0);
  useEffect(() => {
    const listener = () => rerender((n) => n + 1);
    listeners.add(listener);
    return () => { listeners.delete(listener); };
  }, []);
  if (asked === undefined) return null;
  const address = asked;
  return (
    <div class="confirm leave" role="alertdialog" aria-label={t('leaveEditor')}>
      <p>{t('leaveUnpublished')}</p>
      <button type="button" class="danger" onClick={() => leaveAnyway(address)}>{t('leaveEditor')}</button>{' '}
      <button type="button" class="secondary" onClick={() => { asked = undefined; told(); }}>{t('stayInEditor')}</button>
    </div>
  );
}
