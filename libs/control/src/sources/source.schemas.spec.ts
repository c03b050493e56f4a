import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { providerKeys } from '@gateway/signing';
import { createSourceBody, sourceListQuery, updateSourceBody } from './source.schemas';

describe('source schemas: the providers are the signing registry', () => {
  it("offers exactly the registry's providers, in its order, wherever a source names one", () => {
    for (const field of [
      createSourceBody.shape.provider,
      updateSourceBody.shape.provider.unwrap(),
      sourceListQuery.shape.provider.unwrap(),
    ]) {
      assert.deepEqual(field.options, providerKeys);
    }
  });

  it('describes them as the hand-written list did (the OpenAPI document reads it)', () => {
    assert.equal(
      createSourceBody.shape.provider.description,
      'The signing scheme: stripe, github, slack, standard-webhooks, svix, twilio, shopify, paddle, square, zoom, linear, intercom, mailgun, sendgrid, discord, pagerduty, gitlab or generic-hmac.',
    );
  });
});
