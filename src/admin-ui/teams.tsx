// Teams as the dashboard names them: by their title in team.yaml in the page's language (الفواتير for Billing), as
// agents and customers read them; by the name team.yaml gives them where no title is written, or for a team that is
// no longer in team.yaml (old conversations keep the name they were given).
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';
import { lang, type Lang } from './i18n.ts';
import { debounce, useLive } from './live.ts';

type Titles = Record<string, Record<Lang, string>>;

/** By the team's name in lower case: conversations may carry a name in another case (team.yaml compares so). */
let teams = new Map<string, { name: string; titles: Record<Lang, string> }>();
let asked: Promise<void> | undefined;
const listeners = new Set<() => void>();

/** Reads the titles again (team.yaml published: the stream's `agents` event); the views using them redraw. */
function refresh(): Promise<void> {
  asked = api<{ teamTitles?: Titles }>('GET', '/api/agents').then(
    (answer) => {
      teams = new Map(Object.entries(answer.teamTitles ?? {}).map(([name, titles]) => [name.toLowerCase(), { name, titles }]));
      listeners.forEach((listener) => listener());
    },
    // Names instead of titles until the next try: nothing the admin must be told about.
    () => {
      asked = undefined;
    },
  );
  return asked;
}

/**
 * The team called `name` as the page names it: its title in the page's language, else the name.
 *
 *     teamShown('Billing'); // 'الفواتير' in Arabic
 */
export function teamShown(name: string): string {
  return teams.get(name.toLowerCase())?.titles[lang()] ?? name;
}

/**
 * The team that `typed` names, by its name or by one of its titles in any language, whatever the case: what an
 * admin who reads «الفواتير» types to filter by Billing. `typed` itself when no team has it.
 */
export function teamNamed(typed: string): string {
  const wanted = typed.trim().toLocaleLowerCase();
  if (wanted === '') return typed;
  for (const team of teams.values()) {
    if ([team.name, ...Object.values(team.titles)].some((title) => title.toLocaleLowerCase() === wanted)) return team.name;
  }
  return typed;
}

/** Agents' events come with every assignment: a burst of them is one read. */
const refreshSoon = debounce(() => void refresh(), 1_000);

/**
 * Loads the teams' titles once for the whole page and redraws the view when they come or change (team.yaml
 * published). The page's language switch redraws every view already.
 */
export function useTeamTitles(): void {
  const [, redraw] = useState(0);
  useEffect(() => {
    const again = (): void => redraw((n) => n + 1);
    listeners.add(again);
    if (!asked) void refresh();
    return () => void listeners.delete(again);
  }, []);
  useLive('agents', refreshSoon);
}

/**
 * A team's name as the page shows it (see `teamShown`), isolated from the text around it; the name team.yaml gives
 * it under the pointer when the title differs.
 */
export function TeamName({ name }: { name: string }) {
  const shown = teamShown(name);
  return <bdi class="team-name" {...(shown !== name ? { title: name } : {})}>{shown}</bdi>;
}
