import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import account from './account/__fixtures__/account-details.json' with { type: 'json' };
import { accountDetailsSchema } from './account/account-schemas.ts';
import upsert207 from './crm/__fixtures__/batch-upsert-207.json' with { type: 'json' };
import contact from './crm/__fixtures__/contact.json' with { type: 'json' };
import { batchResponseSchema, contactSchema, crmObjectSchema, crmPageSchema, propertyValueSchema } from './crm/crm-object-schemas.ts';
import { schemaFromProperties } from './properties/property-schemas.ts';
import batch from './webhooks/__fixtures__/contact-batch.json' with { type: 'json' };
import { hubspotWebhookBatchSchema } from './webhooks/webhook-event-schemas.ts';

describe('schemas accept the documented responses (fixtures) and keep every field', () => {
  it.each([
    ['contact', contactSchema, contact],
    ['contacts page', crmPageSchema(contactSchema), { results: [contact], paging: { next: { after: '513', link: '?after=513' } } }],
    ['batch upsert 207', batchResponseSchema(contactSchema), upsert207],
    ['account details', accountDetailsSchema, account],
    ['webhook batch', hubspotWebhookBatchSchema, batch],
  ] as const)('%s', (_name, schema, fixture) => {
    const parsed = v.safeParse(schema as v.GenericSchema, fixture);
    expect(parsed.issues).toBeUndefined();
    expect(parsed.output).toEqual(fixture);
  });

  it('types declared properties and keeps undeclared ones', () => {
    const parsed = v.parse(crmObjectSchema({ plan: propertyValueSchema }), { ...contact, properties: { ...contact.properties, plan: 'pro', custom_score: '7' } });
    expect(parsed.properties.plan).toBe('pro');
    expect(parsed.properties['custom_score']).toBe('7');
  });

  it('rejects a record whose property values are not text', () => {
    expect(v.safeParse(crmObjectSchema({ email: propertyValueSchema }), { ...contact, properties: { email: 42 } }).success).toBe(false);
  });

  it('builds a record schema from property definitions', () => {
    const schema = schemaFromProperties([{ name: 'email' }, { name: 'plan' }]);
    expect(Object.keys(schema.entries.properties.entries)).toEqual(['email', 'plan']);
  });

  it('refuses a webhook delivery of more than 100 events', () => {
    expect(v.safeParse(hubspotWebhookBatchSchema, Array.from({ length: 101 }, () => batch[0])).success).toBe(false);
  });
});
