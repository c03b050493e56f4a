import { Agent, request } from 'undici';
import { startLoadProcess } from './ingress-throughput.bench';
import { cpuSeconds, machine, startReceiverFarm, summarize } from './support';

const fmt = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '-');

/**
 * What this machine allows before any gateway code runs, measured the way the gateway's own
 * benchmarks measure it, so their figures can be read as ratios of the same run:
 * - the ingress benchmark's load generator against an HTTP server that only reads the body and
 *   answers 200 (the least an ingress can do), at 1,000/s, 2,000/s and 5,000/s;
 * - undici (`request` on one pooled agent, as the dispatcher sends) POSTing 1 KB to the
 *   benchmarks' 50 local receivers as fast as it can, with nothing else running.
 * No Kafka, PostgreSQL or gateway process takes part.
 */
export async function machineCeiling(
  seconds = Number(process.env.BENCH_CEILING_SECONDS ?? 15),
  posts = Number(process.env.BENCH_CEILING_POSTS ?? 30000),
): Promise<void> {
  const lines = ['machine ceiling: the load generators and a do-nothing server or receiver, no gateway code', `  machine at start: ${machine()}`];
  const print = (line: string) => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };

  const bare = await startReceiverFarm(1);
  const load = await startLoadProcess();
  try {
    const url = new URL(bare.urls[0]);
    const secret = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
    for (const rate of [1000, 2000, 5000]) {
      const before = await cpuSeconds(bare.pid);
      const result = await load.run({ label: `bare-${rate}`, host: url.hostname, port: Number(url.port), path: url.pathname, secret, rate, seconds, connections: 64, maxConnections: 512 });
      const cpu = (await cpuSeconds(bare.pid)) - before;
      const ok = summarize(result.accepted);
      print(
        `  ingress load generator -> bare server at ${rate}/s for ${seconds} s: answered 200 ${(ok.n / result.elapsedSeconds).toFixed(0)}/s, p50 ${fmt(ok.p50)} ms, p99 ${fmt(ok.p99)} ms, max ${fmt(ok.max)} ms; ` +
          `${result.errors} connection errors, ${result.connections} connections; server CPU ${((cpu / result.elapsedSeconds) * 100).toFixed(0)}% of a core, generator ${((result.cpuSeconds / result.elapsedSeconds) * 100).toFixed(0)}%`,
      );
    }
  } finally {
    load.stop();
    bare.stop();
  }

  const farm = await startReceiverFarm(50);
  const agent = new Agent({ connections: 64, keepAliveTimeout: 30000 });
  try {
    const body = JSON.stringify({ type: 'bench.ceiling', data: { note: 'x'.repeat(1000) } });
    const cpuBefore = process.cpuUsage();
    const receiversBefore = await cpuSeconds(farm.pid);
    const started = performance.now();
    let next = 0;
    const sender = async (): Promise<void> => {
      while (next < posts) {
        const n = next++;
        const response = await request(farm.urls[n % farm.urls.length], { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher: agent });
        await response.body.dump();
      }
    };
    await Promise.all(Array.from({ length: 256 }, sender));
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const receivers = (await cpuSeconds(farm.pid)) - receiversBefore;
    print(
      `  undici -> 50 receivers, 1 KB POSTs, 256 at once: ${posts} in ${elapsed.toFixed(1)} s = ${(posts / elapsed).toFixed(0)}/s; ` +
        `sender CPU ${(((cpu.user + cpu.system) / 1e6 / elapsed) * 100).toFixed(0)}% of a core (${((cpu.user + cpu.system) / 1e3 / posts).toFixed(3)} ms a request), receivers ${((receivers / elapsed) * 100).toFixed(0)}%`,
    );
  } finally {
    await agent.close();
    farm.stop();
  }
  print(`  machine at end: ${machine()}`);
}
