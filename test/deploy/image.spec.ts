import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { servicePorts, type ServiceName } from '@gateway/config';
import { repoRoot } from '../support/stack';
import { run, runOk } from './deploy-support';

const entrypoint = path.join(repoRoot, 'deploy', 'docker', 'entrypoint.sh');

interface Instruction {
  keyword: string;
  args: string;
}

function dockerfile(): Instruction[] {
  const text = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** .dockerignore semantics: the last matching pattern wins; "!" re-includes; a directory match covers its content. */
function ignoredByDockerignore(file: string): boolean {
  const patterns = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const toRegExp = (pattern: string) => {
    let source = '';
    const text = pattern.replace(/\/$/, '');
    for (let index = 0; index < text.length; index++) {
      const char = text[index];
      if (text.startsWith('**/', index)) {
        source += '(?:.*/)?';
        index += 2;
      } else if (text.startsWith('**', index)) {
        source += '.*';
        index += 1;
      } else if (char === '*') source += '[^/]*';
      else if (char === '?') source += '[^/]';
      else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return new RegExp(`^${source}$`);
  };
  const parts = file.split('/');
  let ignored = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = toRegExp(negate ? raw.slice(1) : raw);
    // A pattern matches the path itself or one of its parent directories.
    const matches = parts.some((_, index) => pattern.test(parts.slice(0, index + 1).join('/')));
    if (matches) ignored = !negate;
  }
  return ignored;
}

describe('Docker image', () => {
  it('is built in stages, runs as a non-root user, through the entry point script', () => {
    const steps = dockerfile();
    const stages = steps.filter((step) => step.keyword === 'FROM');
    assert.ok(stages.length >= 2, 'multi-stage');
    const last = steps.slice(steps.lastIndexOf(stages.at(-1)!));
    const user = last.filter((step) => step.keyword === 'USER').at(-1);
    assert.ok(user, 'the runtime stage sets USER');
    assert.doesNotMatch(user.args, /^(root|0)(:|$)/, 'not root');
    assert.deepEqual(last.find((step) => step.keyword === 'ENTRYPOINT')?.args, '["/usr/local/bin/gateway"]');
    assert.ok(
      last.some(
        (step) =>
          step.keyword === 'COPY' && step.args === 'deploy/docker/entrypoint.sh /usr/local/bin/gateway',
      ),
    );
    assert.ok(
      last.some((step) => step.keyword === 'ARG' && step.args.startsWith('SERVICE')),
      'SERVICE build argument',
    );
    const exposed = last
      .filter((step) => step.keyword === 'EXPOSE')
      .flatMap((step) => step.args.split(/\s+/).map(Number));
    assert.deepEqual(exposed.sort(), Object.values(servicePorts).sort());
  });

  it('copies only files that exist and that .dockerignore lets into the build context', () => {
    const sources = dockerfile()
      .filter((step) => step.keyword === 'COPY' && !step.args.startsWith('--from'))
      .flatMap((step) =>
        step.args
          .split(/\s+/)
          .filter((arg) => !arg.startsWith('--'))
          .slice(0, -1),
      );
    assert.ok(sources.length >= 6);
    for (const source of sources) {
      assert.ok(existsSync(path.join(repoRoot, source)), `${source} exists`);
      assert.equal(ignoredByDockerignore(source), false, `${source} is in the build context`);
    }
    // and what must stay out of it does
    for (const excluded of [
      'node_modules/x',
      'dist/apps/api/src/main.js',
      '.local/bin/helm',
      'tmp/x',
      '.git/HEAD',
      'libs/kafka/src/offset-tracker.spec.ts',
      'test/deploy/x.ts',
    ]) {
      assert.equal(ignoredByDockerignore(excluded), true, `${excluded} stays out of the build context`);
    }
  });

  it("compiles every app and both tools, and no spec, with the image's tsconfig", () => {
    const files = runOk(
      [
        process.execPath,
        path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        'deploy/docker/tsconfig.image.json',
        '--listFilesOnly',
      ],
      { timeoutMs: 180_000 },
    )
      .split('\n')
      .map((file) => path.relative(repoRoot, file.trim()))
      .filter((file) => file && !file.startsWith('..') && !file.startsWith('node_modules'));
    for (const service of Object.keys(servicePorts))
      assert.ok(files.includes(`apps/${service}/src/main.ts`), `apps/${service}/src/main.ts`);
    for (const tool of ['tools/migrate.ts', 'tools/provision-topics.ts'])
      assert.ok(files.includes(tool), tool);
    assert.deepEqual(
      files.filter(
        (file) => file.endsWith('.spec.ts') || file.startsWith('test/') || file.startsWith('bench/'),
      ),
      [],
    );
  });

  describe('entry point', () => {
    let dir: string;
    let env: NodeJS.ProcessEnv;

    before(() => {
      // A stand-in `node` that prints its working directory and arguments.
      dir = mkdtempSync(path.join(tmpdir(), 'gateway-entrypoint-'));
      writeFileSync(path.join(dir, 'node'), '#!/bin/sh\necho "$PWD"\nfor a in "$@"; do echo "$a"; done\n');
      chmodSync(path.join(dir, 'node'), 0o755);
      env = { PATH: `${dir}:/usr/bin:/bin`, APP_HOME: repoRoot };
    });

    after(() => rmSync(dir, { recursive: true, force: true }));

    const targets: Record<string, string> = {
      ...Object.fromEntries(
        (Object.keys(servicePorts) as ServiceName[]).map((service) => [
          service,
          `dist/apps/${service}/src/main.js`,
        ]),
      ),
      migrate: 'dist/tools/migrate.js',
      'provision-topics': 'dist/tools/provision-topics.js',
    };

    for (const [target, script] of Object.entries(targets)) {
      it(`${target}: runs ${script}, which the build produces`, () => {
        assert.ok(statSync(entrypoint).mode & 0o111, 'executable');
        const byArgument = runOk(['sh', entrypoint, target, '--flag'], { env }).trim().split('\n');
        assert.deepEqual(byArgument, [repoRoot, '-r', './tools/register.js', script, '--flag']);
        const byEnv = runOk(['sh', entrypoint], { env: { ...env, SERVICE: target } })
          .trim()
          .split('\n');
        assert.deepEqual(byEnv, [repoRoot, '-r', './tools/register.js', script]);
        assert.ok(existsSync(path.join(repoRoot, script)), `${script} exists after the build`);
      });
    }

    it('refuses an unknown service with a clear message', () => {
      const result = run(['sh', entrypoint, 'routr'], { env });
      assert.equal(result.status, 64);
      assert.match(
        result.stderr,
        /unknown service 'routr'; expected one of api, ingress, router, dispatcher, scheduler, migrate, provision-topics/,
      );
      const none = run(['sh', entrypoint], { env });
      assert.equal(none.status, 64);
    });
  });
});
