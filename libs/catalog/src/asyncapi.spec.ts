import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asyncApiDocument } from './asyncapi';

const type = (name: string, schema: Record<string, unknown> | null) => ({
  name,
  description: null,
  schema,
  examples: [],
  deprecated: false,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

describe('asyncApiDocument', () => {
  it('gives each type a message with the Standard Webhooks headers and its schema as a component', () => {
    const document = asyncApiDocument(
      [
        type('invoice.paid', {
          $defs: { n: { type: 'integer' } },
          properties: { total: { $ref: '#/$defs/n' } },
        }),
        type('free:form', null),
      ],
      'test',
    ) as {
      components: {
        messages: Record<string, { headers: { required: string[] }; payload: unknown }>;
        schemas: unknown;
      };
    };
    const { messages, schemas } = document.components;
    assert.deepEqual(Object.keys(messages), ['invoice.paid', 'free_form']);
    assert.deepEqual(messages['invoice.paid'].headers.required, [
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
    ]);
    assert.deepEqual(schemas, {
      'invoice.paid': {
        $defs: { n: { type: 'integer' } },
        properties: { total: { $ref: '#/components/schemas/invoice.paid/$defs/n' } },
      },
    });
    assert.match(
      JSON.stringify(messages['invoice.paid'].payload),
      /"data":\{"\$ref":"#\/components\/schemas\/invoice.paid"\}/,
    );
    assert.match(JSON.stringify(messages.free_form.payload), /"data":\{\}/);
  });
});
