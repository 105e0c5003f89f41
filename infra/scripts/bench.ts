import { execFile } from 'node:child_process';
import { connect, type AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { configuredTopics, dropDatabase, ensureDatabase, environment } from '@hc/config';
import { BatchConsumer, deleteTopics, ensureTopics, EventProducer, parseBrokers, type OutgoingMessage } from '@hc/kafka';
import { TOPIC_PARTITIONS } from '@hc/service-kit';
import { createProjectionApp } from '../../services/projection/src/main';
import { issueApiKey } from '@hc/service-kit';
import { DataSource } from 'typeorm';
import { dashboardRenderTimes } from './bench-dashboard';
import { generateCases, PUBLISHED } from './generator';

/**
 * The projection benchmark (not a test): loads a synthetic national year into Kafka, measures how
 * fast the same Kafka client reads it doing nothing else (the ceiling), rebuilds the projection from
 * offset 0 and measures its rate, then times every analytics and inspection view, and the
 * inspection functions, at that volume. Runs on its own topic prefix and database, and removes
 * them (and the Kafka broker, if it started one) at the end.
 *
 *   npm run bench [-- --cases 103379 --seed 2018 --keep]   (--keep leaves the topics and database for a look)
 */
const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..', ...(__dirname.includes('dist') ? ['..'] : []));
const TARGET_RATIO = 0.5;
const TARGET_VIEW_MS = 100;

const load = () => loadavg().map((value) => value.toFixed(1)).join(' ');

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

function portAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port, timeout: 1000 });
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('error', () => done(false));
    socket.once('timeout', () => (socket.destroy(), done(false)));
  });
}

const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const cases = option('cases', PUBLISHED.policeRecorded);
  const seed = option('seed', 2018);
  const runId = Date.now().toString(36);
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hatecrime');
  base.pathname = `/hatecrime_bench_${runId}`;
  // Configuration is read once, on first use: set this run's database and topic prefix first.
  process.env.DATABASE_URL = base.toString();
  process.env.KAFKA_TOPIC_PREFIX = `bench-${runId}.`;
  process.env.LOG_LEVEL ??= 'warn';
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  // The bench times the projection's HTTP reads and its verification, not the rate limiter.
  for (const name of ['RATE_LIMIT_REQUESTS', 'RATE_LIMIT_BULK_REQUESTS', 'RATE_LIMIT_VERIFICATION_REQUESTS']) process.env[name] ??= '1000000000';
  const config = environment();
  const connection = { brokers: parseBrokers(config.KAFKA_BROKERS), clientId: 'hatecrime-bench' };
  const topics = configuredTopics();
  const agencyTopics = [topics.police, topics.cps, topics.courts];

  let startedKafka = false;
  const [host, port] = connection.brokers[0]!.split(':');
  if (!(await portAnswers(host!, Number(port)))) {
    console.log('kafka: no broker answers; starting the project broker (infra/kafka/start.sh)');
    await run('bash', [resolve(ROOT, 'infra/kafka/start.sh')], { cwd: ROOT, timeout: 300_000 });
    startedKafka = true;
  }
  await ensureDatabase(config.DATABASE_URL);
  const keep = process.argv.includes('--keep');
  const cleanup = async () => {
    if (keep) {
      console.log(`bench: kept topics ${topics.police.replace('police', '*')} and database ${config.DATABASE_URL} (--keep)`);
      return;
    }
    await deleteTopics(connection, Object.values(topics)).catch((error) => console.error(`could not delete topics: ${error}`));
    await dropDatabase(config.DATABASE_URL).catch((error) => console.error(`could not drop the database: ${error}`));
    if (startedKafka) await run('bash', [resolve(ROOT, 'infra/kafka/stop.sh')], { cwd: ROOT }).catch(() => undefined);
  };

  const report: string[] = [];
  const say = (line: string) => {
    console.log(line);
    report.push(line);
  };
  try {
    say(`machine: ${cpus().length} cores, load average ${load()} at the start`);
    console.log(`bench: ${cases} police-recorded hate crimes (seed ${seed}), topics ${topics.police.replace('police', '*')}, database ${base.pathname.slice(1)}`);
    await ensureTopics(connection, [...agencyTopics.map((name) => ({ name, partitions: TOPIC_PARTITIONS })), { name: topics.deadLetter, partitions: 1 }]);

    // ---- load ------------------------------------------------------------------------------
    const producer = new EventProducer(connection);
    let events = 0;
    let bytes = 0;
    let generatedCases = 0;
    const loadStarted = Date.now();
    let pending: OutgoingMessage[] = [];
    for (const generated of generateCases({ seed, cases })) {
      generatedCases += 1;
      for (const { agency, envelope } of generated.events) {
        const value = JSON.stringify(envelope);
        bytes += value.length;
        pending.push({ topic: topics[agency], key: envelope.subject, value });
      }
      if (pending.length >= 1000) {
        events += pending.length;
        await producer.send(pending);
        pending = [];
      }
    }
    events += pending.length;
    await producer.send(pending);
    await producer.disconnect();
    const loadMs = Date.now() - loadStarted;
    say(`loaded ${events} events (${(bytes / 1e6).toFixed(0)} MB) of ${generatedCases} cases into Kafka in ${seconds(loadMs)} (${rate(events, loadMs)} events/s)`);

    // ---- ceiling: the same client, reading the same events, doing nothing else ---------------
    const ceiling = await new Promise<{ wallMs: number; readMs: number }>((done, fail) => {
      let read = 0;
      let first = 0;
      const started = Date.now();
      const consumer = new BatchConsumer({ ...connection, groupId: `${config.KAFKA_TOPIC_PREFIX}bench-ceiling`, topics: agencyTopics });
      consumer
        .start(async (batch) => {
          first ||= Date.now();
          read += batch.messages.length;
          if (read === events) {
            const end = Date.now();
            setImmediate(() => void consumer.stop().then(() => done({ wallMs: end - started, readMs: end - first })));
          }
        })
        .catch(fail);
    });
    const ceilingRate = rate(events, ceiling.readMs);
    say(`ceiling: BatchConsumer read all ${events} events in ${seconds(ceiling.readMs)} from its first batch (${seconds(ceiling.wallMs)} with the group join): ${ceilingRate} events/s`);

    // ---- rebuild from offset 0 -------------------------------------------------------------
    const db = new Client({ connectionString: config.DATABASE_URL });
    const appStarted = Date.now();
    const app = await createProjectionApp();
    await db.connect();
    try {
      let version: { first_batch_at: Date; caught_up_at: Date; activated_at: Date } | undefined;
      let consumedAt: number | undefined;
      while (!version) {
        const rows = (await db.query(`SELECT state, first_batch_at, caught_up_at, activated_at FROM projection.read_model_versions WHERE version = 'v2'`)).rows;
        if (rows[0]?.state === 'active') version = rows[0];
        else {
          if (consumedAt === undefined) {
            const { rows: [offsets] } = await db.query(`SELECT coalesce(sum(next_offset), 0)::bigint AS consumed FROM projection_v2.consumer_offsets`).catch(() => ({ rows: [{ consumed: 0 }] }));
            if (Number(offsets.consumed) >= events) consumedAt = Date.now();
          }
          await new Promise((wait) => setTimeout(wait, 100));
        }
      }
      const consumeMs = version.caught_up_at.getTime() - version.first_batch_at.getTime();
      const appendMs = consumedAt !== undefined ? consumedAt - version.first_batch_at.getTime() : undefined;
      const switchMs = version.activated_at.getTime() - version.caught_up_at.getTime();
      const rebuildRate = rate(events, consumeMs);
      const totalRate = rate(events, consumeMs + switchMs);
      const { rows: [held] } = await db.query(`SELECT sum(event_count)::int AS events, count(*)::int AS cases FROM projection_v2.case_events`);
      const { rows: [journeys] } = await db.query(`SELECT count(*)::int AS rows FROM projection_v2.journeys`);
      const { rows: [findings] } = await db.query(`SELECT count(*)::int AS rows FROM projection_v2.flag_audit`);
      say(`rebuild: projection read model v2 took in ${held.events} events of ${held.cases} cases (${journeys.rows} journey rows, ${findings.rows} audit findings) in ${seconds(consumeMs)} from its first batch: ${rebuildRate} events/s`);
      if (appendMs !== undefined) {
        say(`         of which reading, validating and storing every event ${seconds(appendMs)} (${rate(events, appendMs)} events/s), then folding every case once ${seconds(consumeMs - appendMs)}`);
      }
      say(`         then switched in (statistics computed, analytics views published) in ${seconds(switchMs)}; ${totalRate} events/s including the switch; app start to first batch ${seconds(version.first_batch_at.getTime() - appStarted)}`);
      const ratio = rebuildRate / ceilingRate;
      say(`ratio rebuild / ceiling: ${ratio.toFixed(2)} (target >= ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'})`);

      // ---- every analytics and inspection view at this volume ------------------------------
      const { rows: [sample] } = await db.query(`SELECT case_id, urn FROM projection_v2.journeys WHERE stage_index >= 6 ORDER BY case_id LIMIT 1`);
      const queries: Array<[string, string, unknown[]]> = [
        ['attrition_funnel (all slices)', 'SELECT * FROM analytics.attrition_funnel', []],
        ['attrition_funnel (one year, strand, force)', `SELECT * FROM analytics.attrition_funnel WHERE financial_year = '2018/19' AND strand = 'race' AND force_code = '01'`, []],
        ['outcome_rates (all slices)', 'SELECT * FROM analytics.outcome_rates', []],
        ['flag_retention (all slices)', 'SELECT * FROM analytics.flag_retention', []],
        ['timeliness (all slices)', 'SELECT * FROM analytics.timeliness', []],
        ['attrition_by_strand', 'SELECT * FROM analytics.attrition_by_strand', []],
        ['statistics_freshness', 'SELECT * FROM analytics.statistics_freshness', []],
        ['flag_audit (one force)', `SELECT * FROM inspection.flag_audit WHERE force_code = '20'`, []],
        ['flag_audit (one case)', 'SELECT * FROM inspection.flag_audit WHERE case_id = $1', [sample.case_id]],
        ['flag_audit (count by boundary and finding)', 'SELECT boundary, finding, count(*) FROM inspection.flag_audit GROUP BY 1, 2', []],
        ['flag_audit (every row)', 'SELECT * FROM inspection.flag_audit', []],
        ['case_journey (one case)', 'SELECT * FROM inspection.case_journey WHERE case_id = $1', [sample.case_id]],
        ['case_journey (by URN)', 'SELECT * FROM inspection.case_journey WHERE urn = $1', [sample.urn]],
        ['case_journey (count of hate crimes)', 'SELECT count(*) FROM inspection.case_journey WHERE hate_crime AND first_row', []],
        ['case_events (one case)', 'SELECT * FROM inspection.case_events WHERE case_id = $1', [sample.case_id]],
        // What an inspector runs: the same reads through the functions that write the access log.
        ['inspection.flag_audit() (one force)', `SELECT * FROM inspection.flag_audit(force_code => '20', row_limit => NULL)`, []],
        ['inspection.case_journey() (one case)', 'SELECT * FROM inspection.case_journey($1)', [sample.case_id]],
        ['inspection.case_events() (one case)', 'SELECT * FROM inspection.case_events($1)', [sample.case_id]],
      ];
      say('analytics and inspection views at this volume (median of 5 runs after one warm-up; client-side, rows included):');
      let slow = 0;
      for (const [label, sql, parameters] of queries) {
        const times: number[] = [];
        let rows = 0;
        for (let i = 0; i < 6; i++) {
          const started = process.hrtime.bigint();
          const result = await db.query(sql, parameters);
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          rows = result.rowCount ?? result.rows.length;
          if (i > 0) times.push(ms);
        }
        const ms = median(times);
        if (ms >= TARGET_VIEW_MS) slow += 1;
        say(`  ${label.padEnd(46)} ${ms.toFixed(1).padStart(8)} ms  ${String(rows).padStart(7)} rows${ms >= TARGET_VIEW_MS ? `  (over ${TARGET_VIEW_MS} ms)` : ''}`);
      }
      say(`views under ${TARGET_VIEW_MS} ms: ${queries.length - slow} of ${queries.length}`);

      await app.listen(0, '127.0.0.1');
      const { port: httpPort } = app.getHttpServer().address() as AddressInfo;
      const { apiKey } = await issueApiKey(app.get(DataSource), 'projection', { principal: 'Benchmark analyst', role: 'analyst' });
      for (const path of ['/statistics/attrition-funnel?public=true', '/statistics/attrition-funnel?public=true&strand=race&force=01', '/statistics/outcome-rates?format=csv', '/statistics/timeliness?year=2018/19&strand=all']) {
        const started = Date.now();
        const response = await fetch(`http://127.0.0.1:${httpPort}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
        await response.text();
        say(`  HTTP GET ${path.padEnd(62)} ${String(Date.now() - started).padStart(6)} ms (status ${response.status})`);
      }
      // What the public release withholds at this volume: every table's withheld figures, and the national funnel's.
      {
        const withheld: string[] = [];
        for (const table of ['attrition-funnel', 'outcome-rates', 'flag-retention', 'timeliness', 'attrition-by-strand']) {
          const response = await fetch(`http://127.0.0.1:${httpPort}/statistics/${table}?public=true`, { headers: { authorization: `Bearer ${apiKey}` } });
          const rows = (await response.json()) as Array<{ suppressed: string[] }>;
          withheld.push(`${table} ${rows.reduce((sum, row) => sum + row.suppressed.length, 0)} of ${rows.length} rows' figures`);
        }
        const response = await fetch(`http://127.0.0.1:${httpPort}/statistics/attrition-funnel?public=true&year=all&strand=all&cpsArea=all&force=all&courtType=all`, {
          headers: { authorization: `Bearer ${apiKey}` },
        });
        const [national] = (await response.json()) as Array<{ suppressed: string[] }>;
        say(`public release: withheld ${withheld.join('; ')}; the national funnel withholds ${national?.suppressed.length ? national.suppressed.join(', ') : 'nothing'}`);
      }
      // The inspectors' verification of the whole read model: every case folded again and compared.
      const inspector = await issueApiKey(app.get(DataSource), 'projection', { principal: 'Benchmark inspector', role: 'inspector' });
      {
        const started = Date.now();
        const response = await fetch(`http://127.0.0.1:${httpPort}/projection/verification?cases=all`, { headers: { authorization: `Bearer ${inspector.apiKey}` } });
        const verification = (await response.json()) as { verdict?: string; cases?: { checked: number; differingCount: number } };
        say(
          `  HTTP GET ${'/projection/verification?cases=all'.padEnd(62)} ${String(Date.now() - started).padStart(6)} ms (status ${response.status}): ` +
            `${verification.verdict}, ${verification.cases?.checked} cases checked, ${verification.cases?.differingCount} differing`,
        );
      }
      // The dashboard in a real browser, signed in as the analyst (issue 11: first view under 1 s, a filter change under 300 ms).
      {
        let over = 0;
        const times = await dashboardRenderTimes(`http://127.0.0.1:${httpPort}`, apiKey);
        for (const { label, ms, target } of times) {
          if (ms >= target) over += 1;
          say(`  dashboard ${label.padEnd(50)} ${ms.toFixed(0).padStart(6)} ms (target ${target} ms${ms >= target ? ': NOT met' : ''})`);
        }
        say(`dashboard render under its target: ${times.length - over} of ${times.length} (browser navigation timing, median of 5)`);
      }
      const { rows: [refresh] } = await db.query(`SELECT duration_ms FROM projection_v2.statistics_state`);
      say(`statistics refresh at this volume (run in each batch's transaction once the version is active): ${refresh.duration_ms} ms`);

      // ---- the calibration, as the projection counts it -------------------------------------
      const { rows: [rates] } = await db.query(
        `SELECT * FROM analytics.outcome_rates WHERE financial_year = 'all' AND strand = 'all' AND cps_area = 'all' AND court_type = 'all'`,
      );
      const { rows: strands } = await db.query(
        `SELECT s.strand, count(*)::int AS crimes FROM inspection.case_journey j CROSS JOIN LATERAL unnest(j.police_strands) AS s(strand)
          WHERE j.first_row AND j.police_flagged GROUP BY 1 ORDER BY 1`,
      );
      const { rows: [flagged] } = await db.query(
        `SELECT count(*)::int AS crimes, count(*) FILTER (WHERE cardinality(police_strands) > 1)::int AS multi FROM inspection.case_journey WHERE first_row AND police_flagged`,
      );
      say(`load average ${load()} at the end`);
      say('calibration (generated national year, as the projection counts it, against the published figures):');
      say(`  police-recorded hate crimes ${flagged.crimes} (published ${PUBLISHED.policeRecorded}); multi-strand ${((100 * flagged.multi) / flagged.crimes).toFixed(1)}% (about ${PUBLISHED.multiStrandShare * 100}%)`);
      say(`  strands: ${strands.map((row: { strand: string; crimes: number }) => `${row.strand} ${row.crimes} (published ${PUBLISHED.strandCounts[row.strand as keyof typeof PUBLISHED.strandCounts]})`).join('; ')}`);
      say(`  police charge share ${rates.police_charge_rate_pct}% (${PUBLISHED.policeChargeShare * 100}%); CPS charge rate ${rates.charge_rate_pct}% (${PUBLISHED.cpsChargeRate * 100}%); conviction rate ${rates.conviction_rate_pct}% (${PUBLISHED.cpsConvictionRate * 100}%); guilty plea rate ${rates.guilty_plea_rate_pct}% (${PUBLISHED.cpsGuiltyPleaRate * 100}%); uplift rate ${rates.uplift_rate_pct}% (${PUBLISHED.cpsUpliftRate * 100}%)`);
    } finally {
      await db.end();
      await app.close();
    }
  } finally {
    await cleanup();
  }
  console.log('\nbench: done (topics and database removed)');
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
