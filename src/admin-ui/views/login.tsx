// The sign-in form: POST /api/login with the admin token; the server answers with an http-only session cookie.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { adminName, api, ApiError, setAdminName } from '../api.ts';
import { t } from '../i18n.ts';
import { errorMessage, Notice } from '../ui.tsx';

export function Login({ onSignedIn, reason, language }: { onSignedIn: () => void; reason?: string | undefined; language: ComponentChildren }) {
  const [token, setToken] = useState('');
  const [name, setName] = useState(adminName());
  const [error, setError] = useState<string | undefined>();
  // Why the form is shown (the sign-in ended…), as the page words it now, in the language switched to, until a try.
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setTried(true);
    setError(undefined);
    try {
      setAdminName(name);
      await api('POST', '/api/login', { token });
      onSignedIn();
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 401 ? t('badToken')
        : failure instanceof ApiError && failure.status === 429 ? t('tooManyAttempts')
        : failure instanceof ApiError && failure.status === 503 && failure.body.kind !== 'unavailable' ? t('apiOff')
        : errorMessage(failure),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="login">
      <div class="login-top"><h1>{t('appName')}</h1>{language}</div>
      <form onSubmit={submit}>
        <h2>{t('signInTitle')}</h2>
        <label for="token">{t('token')}</label>
        <input id="token" name="token" type="password" autocomplete="current-password" dir="ltr" required value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        <p class="muted small">{t('tokenHelp')}</p>
        <label for="admin-name">{t('yourName')}</label>
        <input id="admin-name" name="name" autocomplete="name" dir="auto" maxLength={60} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <p class="muted small">{t('yourNameHelp')}</p>
        {error ?? (tried ? undefined : reason) ? <Notice kind="error">{error ?? reason}</Notice> : null}
        <button type="submit" disabled={busy || !token}>{t('signIn')}</button>
      </form>
    </div>
  );
}
