import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { problemText } from '../api/client';

/** What one openapi-fetch call answers. */
export interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

export type Loaded<T> =
  { kind: 'loading' } | { kind: 'ok'; data: T } | { kind: 'unavailable' } | { kind: 'error'; text: string };

/**
 * Loads once per change of `key`. A contract route (`contract`) that answers 404 is a gateway
 * without that route yet: the page says "not available" rather than failing.
 */
export function useLoad<T>(
  load: () => Promise<Answer<T>>,
  key: string,
  contract = false,
): [Loaded<T>, () => void] {
  const [state, setState] = useState<Loaded<T>>({ kind: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      ({ data, error, response }) => {
        if (!live) return;
        if (data !== undefined && response.ok) setState({ kind: 'ok', data });
        else if (contract && (response.status === 404 || response.status === 405))
          setState({ kind: 'unavailable' });
        else setState({ kind: 'error', text: problemText(error, response.status) });
      },
      (error: unknown) => live && setState({ kind: 'error', text: String(error) }),
    );
    return () => {
      live = false;
    };
    // `load` is a new closure each render; `key` names what it loads.
  }, [key, round]);
  return [state, useCallback(() => setRound((value) => value + 1), [])];
}

/** Renders a load's state: a busy line, the problem, "not available", or the children with the data. */
export function Show<T>(props: { state: Loaded<T>; what: string; children: (data: T) => ComponentChildren }) {
  const { state } = props;
  switch (state.kind) {
    case 'loading':
      return <p aria-busy="true">Loading {props.what}…</p>;
    case 'unavailable':
      return (
        <p class="notice" role="status">
          {props.what}: not available on this gateway yet.
        </p>
      );
    case 'error':
      return (
        <p class="problem" role="alert">
          {props.what}: {state.text}
        </p>
      );
    case 'ok':
      return <>{props.children(state.data)}</>;
  }
}

/** A button's action: busy while it runs, then its outcome in a live region. */
export function useAction(): {
  busy: boolean;
  message: ComponentChildren;
  run: (label: string, call: () => Promise<Answer<unknown>>, after?: () => void) => Promise<boolean>;
} {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<ComponentChildren>(null);
  const run = async (label: string, call: () => Promise<Answer<unknown>>, after?: () => void) => {
    setBusy(true);
    try {
      const { error, response } = await call();
      if (response.ok) {
        setMessage(<span class="ok">{label}: done.</span>);
        after?.();
        return true;
      }
      setMessage(
        <span class="problem">
          {label}:{' '}
          {response.status === 404 && error === undefined
            ? 'not available'
            : problemText(error, response.status)}
        </span>,
      );
      return false;
    } catch (error) {
      setMessage(<span class="problem">{`${label}: ${String(error)}`}</span>);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, message, run };
}

/** The live region an action reports into. */
export function Outcome(props: { children: ComponentChildren }) {
  return (
    <p role="status" aria-live="polite" class="outcome">
      {props.children}
    </p>
  );
}
