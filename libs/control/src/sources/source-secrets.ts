import { SigningConfigError, verifyInbound, type ProviderKey } from '@gateway/signing';

// One request that reaches the key parsing of every provider that parses keys (Standard Webhooks,
// Svix, GitLab signing tokens, Discord, SendGrid) and the option parsing of generic-hmac.
const probe = {
  method: 'POST',
  url: 'https://probe.invalid/in/probe',
  headers: {
    'webhook-id': 'probe',
    'webhook-timestamp': '1',
    'webhook-signature': 'v1,AAAA',
    'x-signature-ed25519': '00'.repeat(64),
    'x-signature-timestamp': '1',
    'x-twilio-email-event-webhook-signature': 'AAAA',
    'x-twilio-email-event-webhook-timestamp': '1',
  },
  rawBody: Buffer.alloc(0),
  now: 1,
};

export interface SourceIssue {
  path: string;
  message: string;
}

/**
 * Checks that the signing lib can use these secrets (and options) for the provider, by running a
 * verification that must fail on its signature: an unusable key or option is reported the way
 * the lib words it (by position, never by value). So a source that saves is a source that verifies.
 */
export function secretIssues(
  provider: ProviderKey,
  secrets: readonly string[],
  options: Record<string, unknown> | null | undefined,
): SourceIssue[] {
  if (provider === 'generic-hmac' && !options) {
    return [
      { path: 'options', message: 'required for generic-hmac: header, algorithm, encoding, prefix, signed' },
    ];
  }
  if (provider !== 'generic-hmac' && options) {
    return [{ path: 'options', message: `only generic-hmac sources take options, not ${provider}` }];
  }
  try {
    verifyInbound(provider, probe, { secrets, toleranceSeconds: 300, ...(options ? { options } : {}) });
  } catch (error) {
    if (!(error instanceof SigningConfigError)) return [];
    const position = /secret #(\d+)/.exec(error.message);
    const path = position
      ? `secrets.${Number(position[1]) - 1}`
      : provider === 'generic-hmac'
        ? 'options'
        : 'secrets';
    return [{ path, message: error.message }];
  }
  return [];
}
