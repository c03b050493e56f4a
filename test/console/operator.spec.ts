import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { freshDatabase, freshTopics, startServices } from '../support/gateway';
import { Receiver } from '../support/receiver';
import type { RunningService } from '../support/services';
import { waitFor } from '../support/wait-for';
import { controlClient, type ApiCall } from '../api/control-client';
import { launchChromium, screenshot, seriousViolations, startFramer } from './browser';

const token = `admin-${randomUUID()}`;
const tenant = `acme-${randomUUID().slice(0, 8)}`;
const slow = { timeout: 30_000 };

describe('web console in a real browser (chromium)', () => {
  let services: Record<string, RunningService>;
  let admin: ApiCall;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let framer: { origin: string; server: Server };
  let failing = false;
  const cspErrors: string[] = [];
  const receiver = new Receiver(() =>
    failing ? { status: 500, body: 'receiver down for maintenance' } : { status: 200, body: 'thanks' },
  );
  let consoleUrl = '';
  /** An event the operator saw delivered (set by the first walk-through). */
  let deliveredEvent = '';

  const publish = async (data: Record<string, unknown>): Promise<string> => {
    const answer = await admin<{ id: string }>('POST', '/v1/events', { type: 'console.ping', data });
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    // The event log lists an event once the router has recorded it: wait for that, not a while.
    const { id } = answer.body;
    await waitFor(
      `event ${id} recorded`,
      20_000,
      async () => (await admin('GET', `/v1/events/${id}`)).status === 200,
    );
    return id;
  };

  const noSeriousViolations = async (name: string, on: Page = page) => {
    const violations = await seriousViolations(on);
    assert.deepEqual(
      violations.map(
        (violation) => `${violation.id}: ${violation.help} (${violation.nodes[0]?.target.join(' ')})`,
      ),
      [],
      `axe on ${name}`,
    );
  };

  /** Opens a page of the console through its navigation (a real click), checks axe, saves a screenshot. */
  const visit = async (link: string, heading: string, name: string) => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: link, exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor(slow);
    await page
      .locator('[aria-busy="true"]')
      .first()
      .waitFor({ state: 'detached', ...slow });
    await noSeriousViolations(name);
    await screenshot(page, name);
  };

  /**
   * A portal link from POST /v1/tenants/:id/portal-sessions; on a gateway without that route yet,
   * the same link built from a tenant key holding the portal's scopes.
   */
  const portalLink = async (): Promise<string> => {
    const session = await admin<{ url: string }>('POST', `/v1/tenants/${tenant}/portal-sessions`, {});
    if (session.status === 201) return session.body.url;
    assert.equal(session.status, 404, JSON.stringify(session.body));
    const key = await admin<{ key: string }>('POST', '/v1/api-keys', {
      name: 'portal',
      tenant,
      scopes: ['endpoints:read', 'endpoints:write', 'events:read', 'deliveries:replay'],
    });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    return `${consoleUrl}/portal#token=${key.body.key}`;
  };

  before(async () => {
    await receiver.start();
    framer = await startFramer();
    const { prefix } = await freshTopics(2);
    // A database of its own: the shared one holds other specs' endpoints, which would get this
    // spec's events too (a second delivery card on the event page).
    services = await startServices(['api', 'router', 'dispatcher'], {
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: await freshDatabase(),
      ADMIN_TOKEN: token,
      DELIVERY_ALLOWLIST: '127.0.0.0/8',
      PORTAL_FRAME_ANCESTORS: framer.origin,
    });
    consoleUrl = `${services.api.url}/console`;
    admin = controlClient(services.api.url, token);
    assert.equal((await admin('POST', '/v1/tenants', { id: tenant, name: 'Acme' })).status, 201);
    const type = await admin('POST', '/v1/event-types', {
      name: 'console.ping',
      description: 'A ping from the console spec.',
      schema: { type: 'object', properties: { n: { type: 'integer' } } },
      examples: [{ n: 1 }],
    });
    assert.equal(type.status, 201, JSON.stringify(type.body));
    const source = await admin('POST', '/v1/sources', {
      name: 'GitHub',
      provider: 'github',
      secrets: ['s-1'],
    });
    assert.equal(source.status, 201, JSON.stringify(source.body));
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspErrors.push(message.text());
    });
  });

  after(async () => {
    await browser?.close();
    await Promise.all(Object.values(services ?? {}).map((service) => service.stop()));
    await receiver.stop();
    await new Promise((resolve) => framer?.server.close(resolve));
  });

  it('serves /console with a strict CSP, nosniff, no referrer, long-cached precompressed assets', async () => {
    const index = await fetch(consoleUrl);
    assert.equal(index.status, 200);
    const csp = index.headers.get('content-security-policy') ?? '';
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ])
      assert.ok(csp.includes(directive), `${directive} in ${csp}`);
    assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(index.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    const html = await index.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=/, 'no inline script or style');
    const portal = await fetch(`${consoleUrl}/portal`);
    assert.match(
      portal.headers.get('content-security-policy') ?? '',
      new RegExp(`frame-ancestors ${framer.origin}$`),
    );
    const deep = await fetch(`${consoleUrl}/events/some-id`);
    assert.equal(deep.status, 200, 'client routes answer index.html');
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, html);
    const asset = await fetch(`${services.api.url}${script}`, { headers: { 'accept-encoding': 'br' } });
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get('content-encoding'), 'br');
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    assert.ok(asset.headers.get('content-security-policy'));
    assert.equal((await fetch(`${consoleUrl}/assets/missing.js`)).status, 404);
  });

  it('signs in with a pasted token (kept out of the URL) and passes axe on the sign-in page', async () => {
    await page.goto(consoleUrl);
    await page.getByLabel('API token').waitFor(slow);
    await noSeriousViolations('sign-in');
    await screenshot(page, 'sign-in');
    await page.getByLabel('API token').fill(token);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign out' }).waitFor(slow);
    assert.ok(!page.url().includes(token));
  });

  it('creates an endpoint, sees an event delivered, a failed attempt with its response, retries it, and the timeline', async () => {
    await visit('Endpoints', 'Endpoints', 'endpoints');
    await page.getByText('New endpoint', { exact: true }).click();
    const form = page.getByRole('form', { name: 'New endpoint' });
    await form.getByLabel('URL').fill(receiver.url);
    await form.getByLabel('Description').fill('console spec receiver');
    await form.getByLabel(/Attempts in total/).fill('1');
    await form.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByText('Create endpoint: done.').waitFor(slow);
    await page.getByTestId('new-secret').waitFor(slow);
    await page.getByRole('link', { name: receiver.url }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Endpoint' }).waitFor(slow);
    await page.getByTestId('endpoint-state').getByText('enabled').waitFor(slow);
    await noSeriousViolations('endpoint');
    await screenshot(page, 'endpoint');

    // The first event goes through the console's own form (POST /v1/events, like any caller).
    await visit('Events', 'Events', 'events');
    await page.getByText('Publish an event', { exact: true }).click();
    const publishing = page.getByRole('form', { name: 'Publish an event' });
    await publishing.getByLabel('Event type').fill('console.ping');
    await publishing.getByLabel('Data (JSON)').fill('{"n":1}');
    await publishing.getByRole('button', { name: 'Publish' }).click();
    const link = page.locator('p', { hasText: 'Published evt' }).getByRole('link');
    const delivered = (await link.textContent(slow)) ?? '';
    deliveredEvent = delivered;
    await waitFor(
      `event ${delivered} recorded`,
      20_000,
      async () => (await admin('GET', `/v1/events/${delivered}`)).status === 200,
    );
    await link.click();
    await page.getByTestId('delivery-status').getByText('delivered').waitFor(slow);

    failing = true;
    const failed = await publish({ n: 2 });
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Events', exact: true })
      .click();
    await page.getByRole('link', { name: failed }).click();
    await page.getByTestId('delivery-status').getByText('dead').waitFor(slow);
    const first = page.getByTestId('attempt').first();
    await first
      .getByText('500', { exact: true })
      .waitFor(slow)
      .catch(async (error: unknown) => {
        // What the API and the page held when the attempt did not show: the cause, not just the timeout.
        const deliveries = await admin<{ data: { id: string }[] }>('GET', `/v1/events/${failed}/deliveries`);
        const attempts = await Promise.all(
          deliveries.body.data.map((delivery) => admin('GET', `/v1/deliveries/${delivery.id}/attempts`)),
        );
        const shown = await page.getByTestId('delivery').first().innerText();
        throw new Error(
          `no 500 attempt shown: ${JSON.stringify({ deliveries: deliveries.body, attempts: attempts.map((a) => a.body), shown })}`,
          { cause: error },
        );
      });
    await first.getByText('receiver down for maintenance').waitFor(slow);

    failing = false;
    await page.getByRole('button', { name: 'Retry delivery' }).click();
    await page.getByTestId('delivery-status').getByText('delivered').waitFor(slow);
    await page.getByTestId('timeline-attempt').nth(1).waitFor(slow);
    const marks = await page.getByTestId('timeline-attempt').allTextContents();
    assert.equal(marks.length, 2, marks.join(' | '));
    assert.match(marks[0], /^#1 500/);
    assert.match(marks[1], /^#2 200/);
    assert.match(receiver.requests.at(-1)?.body ?? '', /"n":2/, 'the retry reached the receiver');
    await noSeriousViolations('event');
    await screenshot(page, 'event');
  });

  it('filters the event log by delivery status, and searches endpoints through the API', async () => {
    failing = true;
    const dead = await publish({ n: 3 });
    await waitFor(`event ${dead} dead`, 20_000, async () => {
      const answer = await admin<{ data: { status: string }[] }>('GET', `/v1/events/${dead}/deliveries`);
      return answer.body.data[0]?.status === 'dead';
    });
    failing = false;
    await visit('Events', 'Events', 'events-status');
    const eventLink = (id: string) => page.getByRole('link', { name: id, exact: true });
    // Each filter's answer replaces the list the previous one showed: wait for that change.
    await page.getByLabel('Delivery status').selectOption('delivered');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await eventLink(dead).waitFor({ state: 'detached', ...slow });
    await eventLink(deliveredEvent).waitFor(slow);
    await page.getByLabel('Delivery status').selectOption('dead');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await eventLink(deliveredEvent).waitFor({ state: 'detached', ...slow });
    await eventLink(dead).waitFor(slow);
    await noSeriousViolations('events filtered by status');
    await screenshot(page, 'events-status');

    const other = await admin<{ id: string }>('POST', '/v1/endpoints', {
      url: `${receiver.url}/elsewhere`,
      eventTypes: ['*'],
      description: 'another receiver',
    });
    assert.equal(other.status, 201, JSON.stringify(other.body));
    await visit('Endpoints', 'Endpoints', 'endpoints-search');
    const endpointLink = (url: string) => page.getByRole('link', { name: url, exact: true });
    await endpointLink(`${receiver.url}/elsewhere`).waitFor(slow);
    const searched = page.waitForResponse((response) => response.url().includes('/v1/endpoints?'));
    await page.getByLabel(/Search endpoints/).fill('SPEC RECEIVER');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    assert.equal(new URL((await searched).url()).searchParams.get('q'), 'SPEC RECEIVER', 'the API searches');
    await endpointLink(`${receiver.url}/elsewhere`).waitFor({ state: 'detached', ...slow });
    await endpointLink(receiver.url).waitFor(slow);
    await screenshot(page, 'endpoints-search');
    await page.getByLabel(/Search endpoints/).fill('no such endpoint');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('No endpoints match.').waitFor(slow);
    await noSeriousViolations('endpoints searched');
  });

  it('passes axe on every other page of the operator view', async () => {
    await visit('Dead letters', 'Dead letters', 'dead-letters');
    await visit('Catalog', 'Event catalog', 'catalog');
    await visit('Sources', 'Sources', 'sources');
    await visit('Tenants', 'Tenants', 'tenants');
    await visit('Health', 'Health', 'health');
  });

  it('fits a phone-width screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await visit('Events', 'Events', 'events-phone');
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than the screen`);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("opens the tenant portal from a link's fragment, drops the token from the URL, and shows the tenant's view only", async () => {
    await admin('POST', '/v1/endpoints', {
      url: receiver.url,
      tenant,
      eventTypes: ['*'],
      description: 'acme hook',
    });
    const portal = await context.newPage();
    await portal.goto(await portalLink());
    await portal.getByRole('button', { name: 'Sign out' }).waitFor(slow);
    assert.equal(new URL(portal.url()).hash, '', 'the token left the address bar');
    const nav = portal.getByRole('navigation', { name: 'Main' });
    for (const hidden of ['Sources', 'Tenants', 'Health'])
      assert.equal(await nav.getByRole('link', { name: hidden }).count(), 0, hidden);
    await nav.getByRole('link', { name: 'Endpoints', exact: true }).click();
    await portal.getByText('acme hook').waitFor(slow);
    assert.equal(
      await portal.getByText('console spec receiver').count(),
      0,
      "the operator's endpoint is not shown",
    );
    await noSeriousViolations('portal', portal);
    await screenshot(portal, 'portal');
    await portal.close();
  });

  it('refuses to be framed by another origin, and lets the configured origin frame the portal only', async () => {
    const framed = async (src: string): Promise<Frame> => {
      const outer = await context.newPage();
      await outer.goto(`${framer.origin}/?src=${encodeURIComponent(src)}`);
      await outer.locator('iframe').waitFor(slow);
      return waitFor('the frame', 10_000, () => outer.frames().find((frame) => frame !== outer.mainFrame()));
    };
    const operator = await framed(consoleUrl);
    await waitFor(
      'the refused frame to settle',
      10_000,
      () => operator.url() !== 'about:blank' && operator.url(),
    );
    assert.equal(
      await operator.locator('#app').count(),
      0,
      `the operator view loaded in a frame: ${operator.url()}`,
    );
    const portal = await framed(`${consoleUrl}/portal`);
    await portal.getByRole('heading', { name: 'Webhook portal' }).waitFor(slow);
    for (const open of context.pages()) if (open !== page) await open.close();
  });

  it('ran without a CSP violation of its own', () => {
    assert.deepEqual(
      cspErrors.filter((text) => !/frame-ancestors/.test(text)),
      [],
    );
  });
});
