import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../support/wait-for';
import { freshDatabase, testInfra } from '../support/gateway';
import { repoRoot } from '../support/stack';

/** The README's "Using it" block: its token and the bodies of its two POSTs, in order. */
function readmeWalkthrough(): { token: string; endpointBody: string; eventBody: string } {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Using it'));
  const token = /^TOKEN=(\S+)/m.exec(section)?.[1];
  const bodies = [...section.matchAll(/-d '([^']+)'/g)].map((match) => match[1]);
  assert.ok(token && bodies.length >= 2, 'the README shows a token and two request bodies');
  return { token, endpointBody: bodies[0], eventBody: bodies[1] };
}

/**
 * `npm run dev` as the README says to use it (the command runs `dist/tools/dev.js` after building):
 * against this test run's Kafka and a fresh database, its banner comes up, the README's token and
 * requests work, the event reaches a receiver, and Ctrl-C stops everything cleanly. It binds the
 * fixed ports 8080-8084 of the README.
 */
describe('npm run dev', () => {
  let dev: ChildProcess;
  let output = '';
  let receiver: Server;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];

  before(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { kafkaBrokers } = testInfra();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      KAFKA_BROKERS: kafkaBrokers,
      DATABASE_URL: await freshDatabase(),
      KAFKA_TOPIC_PREFIX: `dev${Date.now().toString(36)}.`,
      LOG_LEVEL: 'warn',
    };
    dev = spawn(
      process.execPath,
      ['-r', path.join(repoRoot, 'tools', 'register.js'), path.join(repoRoot, 'dist', 'tools', 'dev.js')],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    dev.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    dev.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(
      'the dev banner',
      120000,
      () => output.includes('Webhook gateway is running') || dev.exitCode !== null,
      200,
    );
    assert.equal(dev.exitCode, null, `npm run dev stopped early:\n${output}`);
  });

  after(async () => {
    // After a failure: Ctrl-C first, so the services it started stop too (a killed parent leaves them).
    if (dev.exitCode === null) {
      const exited = new Promise((resolve) => dev.once('exit', resolve));
      dev.kill('SIGINT');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20000))]);
      if (dev.exitCode === null) dev.kill('SIGKILL');
    }
    receiver.close();
  });

  it('serves the README walkthrough: endpoint, event, signed delivery, delivery log', async () => {
    const { token, endpointBody, eventBody } = readmeWalkthrough();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const created = await fetch('http://127.0.0.1:8080/v1/endpoints', {
      method: 'POST',
      headers,
      body: endpointBody.replace('http://127.0.0.1:9000/hook', url),
    });
    assert.equal(created.status, 201, await created.clone().text());
    assert.match(((await created.json()) as { secret: string }).secret, /^whsec_/);
    const published = await fetch('http://127.0.0.1:8080/v1/events', {
      method: 'POST',
      headers,
      body: eventBody,
    });
    assert.equal(published.status, 202, await published.clone().text());
    const { id } = (await published.json()) as { id: string };

    await waitFor('the delivery at the receiver', 30000, () => received.length > 0, 100);
    assert.match(received[0].body, /"invoice.paid"/);
    assert.ok(received[0].headers['webhook-signature'], 'signed');
    await waitFor(
      'the delivery log says delivered',
      30000,
      async () => {
        const log = (await (
          await fetch(`http://127.0.0.1:8080/v1/events/${id}/deliveries`, { headers })
        ).json()) as { data: { status: string }[] };
        return log.data?.[0]?.status === 'delivered';
      },
      250,
    );
  });

  it('stops every service on Ctrl-C and exits 0', async () => {
    const exited = new Promise<number | null>((resolve) => dev.once('exit', (code) => resolve(code)));
    dev.kill('SIGINT');
    assert.equal(await exited, 0, output.slice(-2000));
    const stillUp = await fetch('http://127.0.0.1:8080/health/live').then(
      () => true,
      () => false,
    );
    assert.equal(stillUp, false, 'the api is down');
  });
});
