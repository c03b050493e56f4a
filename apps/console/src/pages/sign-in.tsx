import { useState } from 'preact/hooks';
import { signIn } from '../session';

/** Paste a token once: the admin token or an API key. A portal link brings its own. */
export function SignIn(props: { portal: boolean; reason: string | null; onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    if (!token.trim()) return;
    signIn(token.trim());
    setToken('');
    props.onSignedIn();
  };
  return (
    <main class="container narrow">
      <h1>{props.portal ? 'Webhook portal' : 'Webhook gateway console'}</h1>
      {props.reason && (
        <p class="problem" role="alert">
          {props.reason}
        </p>
      )}
      {props.portal ? (
        <p>This portal needs a fresh link: ask the service that sent you here for a new one.</p>
      ) : (
        <form onSubmit={submit}>
          <label>
            API token
            <input
              type="password"
              name="token"
              autocomplete="off"
              required
              value={token}
              onInput={(event) => setToken(event.currentTarget.value)}
              aria-describedby="token-help"
            />
            <small id="token-help">
              The ADMIN_TOKEN or an API key. Kept in this tab only (memory and session storage).
            </small>
          </label>
          <button type="submit">Sign in</button>
        </form>
      )}
    </main>
  );
}
