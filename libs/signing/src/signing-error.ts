/**
 * A signing configuration that cannot be used (a malformed secret or key, invalid generic-hmac
 * options, an unknown provider). Request problems never throw: they are `Rejection` values.
 * The message names the problem and the secret's position, never the secret itself.
 */
export class SigningConfigError extends Error {
  readonly code = 'signing_config_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'SigningConfigError';
  }
}
