// Team: the agents with their live status (who set an away one away, and why) and load, and team.yaml in the same
// editor as flows, published with the version it was edited from (422: the problems at their lines, nothing written;
// 409: someone published first, or removed the file, said by its kind); once published, how many waiting customers
// the room it gave seated.
import { useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Agent, type ValidationError } from '../api.ts';
import { channelName, named, names, span, t, when, type StringKey } from '../i18n.ts';
import { debounce, useLive } from '../live.ts';
import { YamlEditor, type EditorHandle } from '../editor.tsx';
import { useUnpublished } from '../leaving.tsx';
import { teamShown, useTeamTitles } from '../teams.tsx';
import { errorMessage, Loading, Notice, Reason, useLoad } from '../ui.tsx';

const STATUS = { online: 'online', away: 'away', offline: 'offlineStatus' } as const;

function Agents() {
  const agents = useLoad(() => api<{ agents: Agent[] }>('GET', '/api/agents'), []);
  const refresh = useMemo(() => debounce(agents.reload, 250), []);
  useLive('agents', refresh);
  useTeamTitles();
  return (
    <section>
      <h2>{t('agents')}</h2>
      <Loading loaded={agents}>
        {(data) => data.agents.length === 0 ? <p class="muted">{t('noAgents')}</p> : (
          <table class="list agents">
            <thead><tr><th>{t('name')}</th><th>{t('status')}</th><th>{t('load')}</th><th>{t('teams')}</th><th>{t('statusSince')}</th></tr></thead>
            <tbody>
              {data.agents.map((agent) => (
                <tr data-agent={agent.id}>
                  <td data-label={t('name')}>{agent.name}</td>
                  <td data-label={t('status')}>
                    <span class={`badge status-${agent.status}`}>{t(STATUS[agent.status] ?? 'offlineStatus')}</span>
                    {agent.status === 'away' && agent.awayBecause ? <div class="muted away-why" data-because={agent.awayBecause}>{awayWhy(agent)}</div> : null}
                    {(agent.unreachable ?? []).map((mark) => (
                      <div class="muted unreachable-why" data-channel={mark.channel} data-failure={mark.failure}>
                        {t('unreachableOn', { channel: channelName(mark.channel), since: when(mark.since), why: t(AGENT_UNREACHABLE[mark.failure]) })}
                      </div>
                    ))}
                  </td>
                  <td data-label={t('load')}>
                    <meter min={0} max={Math.max(1, agent.maxOpen)} value={agent.open} aria-label={t('load')} /> {agent.open} / {agent.maxOpen}
                  </td>
                  <td data-label={t('teams')}>{names(agent.teams.map(teamShown))}</td>
                  <td data-label={t('statusSince')}>{when(agent.statusSince)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loading>
    </section>
  );
}

/** Why nothing reaches an agent at one of their addresses, in the admin's words (see unreachable.ts). */
const AGENT_UNREACHABLE: Record<NonNullable<Agent['unreachable']>[number]['failure'], StringKey> = {
  blocked: 'agentBlocked', noChat: 'agentNoChat', cannotReceive: 'agentCannotReceive', unavailable: 'agentUnavailable', writeFirst: 'agentWriteFirst',
};

/** Who set an away agent away, and why, in the admin's words. */
function awayWhy(agent: Agent): string {
  if (agent.awayBecause !== 'noConsole') return t('awayByAgent');
  return agent.awayAfterMs !== undefined ? t('awayNoConsole', { span: span(agent.awayAfterMs) }) : t('awayNoConsoleUntimed');
}

function TeamFile() {
  const file = useLoad(() => api<{ version: number | string; source: string }>('GET', '/api/team'), []);
  const [draft, setDraft] = useState<string | undefined>();
  const [published, setPublished] = useState<string | undefined>();
  const [base, setBase] = useState<number | string | undefined>();
  const [errors, setErrors] = useState<ValidationError[]>([]);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'warn' | 'error'; text: string } | undefined>();
  const editor = useRef<EditorHandle | undefined>(undefined);
  useUnpublished(draft !== undefined && draft !== (published ?? file.data?.source));
  const publish = async () => {
    if (!file.data) return;
    setNotice(undefined);
    try {
      const answer = await api<{ version: number | string; seated?: number; seatingLeft?: boolean }>('PUT', '/api/team', { source: draft ?? file.data.source, baseVersion: base ?? file.data.version });
      setBase(answer.version);
      setPublished(draft ?? file.data.source);
      editor.current?.showErrors([]);
      // What the save did for the customers waiting: the server answers once those it seated were told.
      const seated = answer.seated ?? 0;
      const text = [
        t('published', { version: String(answer.version) }),
        ...(seated === 1 ? [t('seatedOne')] : seated > 1 ? [t('seated', { count: seated })] : []),
        ...(answer.seatingLeft ? [t('seatingLeft')] : []),
      ];
      setNotice({ kind: answer.seatingLeft ? 'warn' : 'ok', text: text.join(' ') });
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) {
        editor.current?.showErrors(error.body.errors ?? []);
        setNotice({ kind: 'error', text: t('notPublished422') });
      } else if (error instanceof ApiError && error.known?.kind === 'publishedSince') {
        // team.yaml's words, not a flow's: this page has no comparing, the admin reloads.
        setNotice({ kind: 'error', text: t('teamConflict409', { version: named(error.known.currentVersion) }) });
      } else if (error instanceof ApiError && error.known?.kind === 'removedSince') {
        setNotice({ kind: 'error', text: t('teamRemoved409') });
      } else {
        setNotice({ kind: 'error', text: errorMessage(error) });
      }
    }
  };
  return (
    <section>
      <h2><bdi dir="ltr" class="file-name">{t('teamFile')}</bdi></h2>
      <Loading loaded={file}>
        {(data) => (
          <>
            <YamlEditor key={String(data.version)} initial={data.source} label="team.yaml" onChange={setDraft} onErrors={setErrors} handle={editor} />
            {errors.length > 0 ? (
              <ul class="problems">
                {errors.map((error) => (
                  <li data-line={error.line}>
                    <button type="button" class="link" onClick={() => editor.current?.goTo(error.line)}>{t('lineCol', { line: error.line, column: error.column })}</button>: <Reason problem={error} />
                  </li>
                ))}
              </ul>
            ) : null}
            <div class="toolbar"><button type="button" class="primary" onClick={publish}>{t('publish')}</button></div>
            {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
          </>
        )}
      </Loading>
    </section>
  );
}

export function TeamPage() {
  return (
    <div class="team-page">
      <h1>{t('teamTitle')}</h1>
      <Agents />
      <TeamFile />
    </div>
  );
}
