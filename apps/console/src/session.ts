/**
 * The bearer token: in memory, and in sessionStorage so a reload keeps it (the tab's session
 * only). Never in a URL, never in a cookie: every call carries it in the Authorization header, so
 * a cross-site request cannot use it (no CSRF by construction).
 */
const storageKey = 'gateway.console.token';
let token: string | null = readStored();

function readStored(): string | null {
  try {
    return sessionStorage.getItem(storageKey);
  } catch {
    return null; // storage disabled (e.g. a sandboxed frame): memory only
  }
}

export function currentToken(): string | null {
  return token;
}

export function signIn(value: string): void {
  token = value;
  try {
    sessionStorage.setItem(storageKey, value);
  } catch {
    // memory only, as above
  }
}

export function signOut(): void {
  token = null;
  try {
    sessionStorage.removeItem(storageKey);
  } catch {
    // memory only, as above
  }
}

/**
 * The portal's link carries its token in the fragment (never sent to a server): take it, then
 * remove it from the address bar and the history entry at once.
 */
export function takeTokenFromFragment(location: Location, history: History): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!match?.[1]) return;
  signIn(decodeURIComponent(match[1]));
  history.replaceState(history.state, '', `${location.pathname}${location.search}`);
}
