import { randomBytes } from 'node:crypto';

/** 16 random bytes (128 bits) in base64url: unguessable and URL-safe, with a type prefix. */
const randomId = (prefix: string): string => `${prefix}${randomBytes(16).toString('base64url')}`;

export const newEndpointId = (): string => randomId('ep_');
export const newEventId = (): string => randomId('evt_');
export const newApiKeyId = (): string => randomId('key_');
