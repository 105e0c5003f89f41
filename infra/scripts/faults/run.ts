import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { dropDatabase, ensureDatabase, environment } from '@hc/config';
import { topicNames, type TopicNames } from '@hc/contracts';
import { createKafka, type KafkaConnection } from '@hc/kafka';
import { issueApiKey } from '@hc/service-kit';
import { FaultBroker } from './fault-broker';
import { LoadDriver } from './load-driver';
import { PostgresProxy } from './postgres-proxy';
import { ProjectionLagProbe } from './projection-lag';
import {
  describeState,
  killWindowFigures,
  pipelineState,
  reconcile,
  settled,
  type PoliceKill,
  type Reconciliation,
} from './reconcile';
import { faultTable, type FaultRow } from './report';
import { SupervisedService, type ServiceName } from './service-supervisor';

/**
 * npm run faults: the fault tests of issue 5. Under continuous load on the police -> CPS -> courts
 * path, it kills the projection and the police service with SIGKILL, stops and restarts the Kafka
 * broker, and makes PostgreSQL unavailable, then waits for the pipeline to settle and reconciles
 * every accepted event exactly: in its agency's store, on Kafka, and once in the projection.
 *
 * It runs on its own broker (ports 9292/9293, its own state directory), its own database
 * (hatecrime_faults) and its own topic prefix, so it never disturbs the shared broker on 9092, the
 * other databases or a running test. PostgreSQL is shared by the machine and is never stopped: the
 * services reach it through a TCP proxy in this process, and "unavailable" is that proxy refusing.
 *
 *   npm run faults [-- --timeout=600 --keep-logs]
 *
 * Exits 0 only when every row shows zero lost and zero duplicated and nothing else is wrong.
 */
const ROOT = path.resolve(__dirname, '../../../..');
const WORK_DIR = path.join(os.tmpdir(), 'hc-faults');
const KAFKA_PORT = 9292;
const KAFKA_CONTROLLER_PORT = 9293;
const DATABASE = 'hatecrime_faults';
const PORTS: Readonly<Record<ServiceName, number>> = { police: 3101, cps: 3102, courts: 3103, projection: 3104 };
const SERVICES: readonly ServiceName[] = ['police', 'cps', 'courts', 'projection'];

const FAULTS = {
  none: 'none (steady load)',
  projection: 'projection SIGKILL',
  police: 'police SIGKILL after commit, before publish',
  kafka: 'Kafka broker stopped and restarted',
  postgres: 'PostgreSQL unavailable ~10 s',
} as const;
type Fault = keyof typeof FAULTS;

/** A reason not to run that needs no stack trace: another run, a taken port, a bad argument. */
class CannotRun extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (low: number, high: number) => low + Math.random() * (high - low);
const startedAt = Date.now();
const say = (message: string) => console.log(`[${((Date.now() - startedAt) / 1000).toFixed(1).padStart(6)} s] ${message}`);

interface Options {
  readonly timeoutSeconds: number;
  readonly keepLogs: boolean;
}

function parseOptions(args: readonly string[]): Options {
  let timeoutSeconds = 600;
  let keepLogs = false;
  for (const arg of args) {
    const timeout = /^--timeout=(\d+)$/.exec(arg);
    if (timeout) timeoutSeconds = Number(timeout[1]);
    else if (arg === '--keep-logs') keepLogs = true;
    else throw new CannotRun(`unknown argument ${arg}; usage: npm run faults [-- --timeout=<seconds> --keep-logs]`);
  }
  return { timeoutSeconds, keepLogs };
}

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The database URL of this run: the machine's PostgreSQL (from DATABASE_URL), another database, optionally another port. */
function databaseUrl(base: string, port?: number): string {
  const url = new URL(base);
  url.pathname = `/${DATABASE}`;
  if (port !== undefined) {
    url.hostname = '127.0.0.1';
    url.port = String(port);
  }
  return url.toString();
}

/** Kills what an interrupted earlier run may have left: its service processes (by pid file, checked) and its broker. */
async function removeLeftovers(pidFile: string, broker: FaultBroker): Promise<void> {
  const pids = fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').split(/\s+/).filter(Boolean).map(Number) : [];
  for (const pid of pids) {
    try {
      const command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (command.includes(path.join(ROOT, 'dist/services'))) {
        process.kill(pid, 'SIGKILL');
        say(`killed service pid ${pid} left by an earlier run`);
      }
    } catch {
      // gone already
    }
  }
  fs.rmSync(pidFile, { force: true });
  await broker.purge();
}

class FaultRun {
  private readonly stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', 't');
  private readonly runDir = path.join(WORK_DIR, `run-${this.stamp}`);
  private readonly pidFile = path.join(WORK_DIR, 'services.pid');
  private readonly lockFile = path.join(WORK_DIR, 'run.lock');
  private locked = false;
  private readonly prefix = `faults-${this.stamp}-`;
  private readonly topics: TopicNames = topicNames(this.prefix);
  private readonly kafka: KafkaConnection = { brokers: [`127.0.0.1:${KAFKA_PORT}`], clientId: 'hatecrime-faults' };
  private readonly baseUrl = environment().DATABASE_URL;
  private readonly directUrl = databaseUrl(this.baseUrl);
  private readonly proxy: PostgresProxy;
  private readonly broker: FaultBroker;
  private readonly services = new Map<ServiceName, SupervisedService>();
  private readonly injected = new Map<Fault, number>();
  private readonly recovery = new Map<Fault, number>();
  private readonly policeKills: PoliceKill[] = [];
  private referralsInFlightAtCut = 0;
  private db?: Pool;
  private driver?: LoadDriver;
  private lag?: ProjectionLagProbe;
  private databaseCreated = false;
  private cleaned?: Promise<void>;

  constructor(private readonly options: Options) {
    const upstream = new URL(this.baseUrl);
    this.proxy = new PostgresProxy({ host: upstream.hostname || '127.0.0.1', port: Number(upstream.port || 5432) });
    this.broker = new FaultBroker(ROOT, KAFKA_PORT, KAFKA_CONTROLLER_PORT, path.join(WORK_DIR, 'kafka'), path.join(this.runDir, 'kafka.log'));
  }

  async run(): Promise<boolean> {
    fs.mkdirSync(WORK_DIR, { recursive: true });
    this.takeLock();
    fs.mkdirSync(this.runDir, { recursive: true });
    say(`fault run ${this.stamp}: logs in ${this.runDir}`);
    this.divertKafkaClientLogs(path.join(this.runDir, 'fault-run-kafka-client.log'));
    await removeLeftovers(this.pidFile, this.broker);
    for (const port of [KAFKA_PORT, KAFKA_CONTROLLER_PORT, ...Object.values(PORTS)]) {
      if (await portTaken(port)) throw new CannotRun(`127.0.0.1:${port} is in use; the fault run needs ports ${KAFKA_PORT}, ${KAFKA_CONTROLLER_PORT} and 3101-3104`);
    }
    this.ensureBuilt();

    await dropDatabase(this.directUrl);
    await ensureDatabase(this.directUrl);
    this.databaseCreated = true;
    this.db = new Pool({ connectionString: this.directUrl, max: 3 });
    const proxyPort = await this.proxy.open();
    say(`database ${DATABASE} created; services reach PostgreSQL through the proxy on 127.0.0.1:${proxyPort}`);

    await this.broker.start();
    say(`fault broker up on ${this.broker.address} (state in ${this.broker.stateDir})`);
    await this.startServices(proxyPort);
    const apiKeys = await this.issueApiKeys();
    this.lag = new ProjectionLagProbe(this.kafka, [this.topics.police, this.topics.cps, this.topics.courts]);
    this.lag.start();

    const driver = new LoadDriver({
      runId: this.stamp,
      policeUrl: `http://127.0.0.1:${PORTS.police}`,
      cpsUrl: `http://127.0.0.1:${PORTS.cps}`,
      workers: 3,
      pauseMs: 200,
      apiKeys,
    });
    this.driver = driver;
    driver.start();
    say('load started: 3 case loops through the police API, CPS charging half of the referred cases');

    await this.inject('none', 1, async () => {
      await sleep(8000);
      return Date.now();
    });
    await this.inject('projection', 3, () => this.killProjection());
    await this.inject('police', 3, () => this.killPoliceBetweenCommitAndPublish());
    await this.inject('kafka', 2, () => this.restartBroker());
    await this.inject('postgres', 2, () => this.postgresOutage());

    say('stopping the load; commands in flight are retried until accepted');
    await driver.stop(90000);
    say(`load stopped: ${driver.cases.length} cases, ${driver.accepted.length} commands accepted`);

    const drained = await this.waitUntilSettled(180000);
    const reconciliation = await reconcile(this.db, this.kafka, this.topics, Object.values(FAULTS), driver.accepted, driver.cases);
    return this.report(reconciliation, drained);
  }

  /**
   * This script's own Kafka clients (the lag probe, the reconciliation) complain, as they should,
   * while the broker is down on purpose; their lines go to a log file, not between the report lines.
   */
  private divertKafkaClientLogs(file: string): void {
    for (const level of ['warn', 'error'] as const) {
      const original = console[level].bind(console);
      console[level] = (...args: unknown[]) => {
        if (typeof args[0] === 'string' && args[0].startsWith('kafkajs ')) fs.appendFileSync(file, `${new Date().toISOString()} ${args.join(' ')}\n`);
        else original(...args);
      };
    }
  }

  /** One fault run at a time: a second one would take the first one's ports, broker and database. */
  private takeLock(): void {
    const holder = Number(fs.existsSync(this.lockFile) ? fs.readFileSync(this.lockFile, 'utf8') : NaN);
    if (holder && holder !== process.pid) {
      let alive = false;
      try {
        alive = fs.readFileSync(`/proc/${holder}/cmdline`, 'utf8').includes('faults/run');
      } catch {
        // not running: what it left behind is removed below
      }
      if (alive) throw new CannotRun(`another fault run (pid ${holder}) is in progress; wait for it or stop it`);
    }
    fs.writeFileSync(this.lockFile, String(process.pid));
    this.locked = true;
  }

  private ensureBuilt(): void {
    const missing = SERVICES.filter((name) => !fs.existsSync(path.join(ROOT, 'dist/services', name, 'src/main.js')));
    if (missing.length === 0) return;
    say(`building (no build of ${missing.join(', ')} in dist/)`);
    const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build failed');
  }

  /** The agency systems of the load authenticate like any other: a national police key and a CPS key. */
  private async issueApiKeys(): Promise<{ police: string; cps: string }> {
    const dataSource = await new DataSource({ type: 'postgres', url: this.directUrl }).initialize();
    try {
      return {
        police: (await issueApiKey(dataSource, 'police', { principal: 'Fault run national police system', role: 'police' })).apiKey,
        cps: (await issueApiKey(dataSource, 'cps', { principal: 'Fault run CPS case management', role: 'cps' })).apiKey,
      };
    } finally {
      await dataSource.destroy();
    }
  }

  private writePids(): void {
    const pids = [...this.services.values()].map((service) => service.pid).filter((pid) => pid !== undefined);
    fs.writeFileSync(this.pidFile, pids.join('\n'));
  }

  private async startServices(proxyPort: number): Promise<void> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl(this.baseUrl, proxyPort),
      KAFKA_BROKERS: this.broker.address,
      KAFKA_TOPIC_PREFIX: this.prefix,
      KAFKA_SASL_MECHANISM: 'none',
      POLICE_PORT: String(PORTS.police),
      CPS_PORT: String(PORTS.cps),
      COURTS_PORT: String(PORTS.courts),
      PROJECTION_PORT: String(PORTS.projection),
      LOG_LEVEL: 'warn',
      OUTBOX_POLL_MS: '200',
      // The load driver sends as fast as the services answer, with one key per agency: no limit may bite.
      RATE_LIMIT_REQUESTS: '1000000000',
      RATE_LIMIT_BULK_REQUESTS: '1000000000',
      RATE_LIMIT_VERIFICATION_REQUESTS: '1000000000',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      // SIGUSR2 makes a service write a diagnostic report, asked for when the pipeline does not settle.
      NODE_OPTIONS: [process.env.NODE_OPTIONS, '--report-on-signal', '--report-signal=SIGUSR2', `--report-directory=${path.join(this.runDir, 'reports')}`]
        .filter(Boolean)
        .join(' '),
    };
    // Every service through the proxy: no per-service database URL may bypass it.
    for (const name of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'POLICE_DATABASE_URL', 'CPS_DATABASE_URL', 'COURTS_DATABASE_URL', 'PROJECTION_DATABASE_URL', 'API_AUTH']) {
      delete env[name];
    }
    for (const name of SERVICES) {
      this.services.set(name, new SupervisedService(name, ROOT, env, PORTS[name], path.join(this.runDir, `${name}.log`), () => this.writePids()));
    }
    // The police first: it creates the topics, so the others do not race to create them.
    const start = async (names: readonly ServiceName[]) => {
      for (const name of names) this.service(name).start();
      for (const name of names) {
        if (!(await this.service(name).waitHealthy(90000))) throw new Error(`${name} did not become healthy; see ${this.service(name).logFile}`);
      }
    };
    await start(['police']);
    await start(['cps', 'courts', 'projection']);
    say(`services up: ${SERVICES.map((name) => `${name} :${PORTS[name]}`).join(', ')}`);
  }

  private service(name: ServiceName): SupervisedService {
    return this.services.get(name)!;
  }

  /**
   * Runs one fault `times` times under the load; the commands accepted meanwhile count for it.
   * `once` answers when the fault ended (the kill, the broker started again, PostgreSQL back).
   */
  private async inject(fault: Fault, times: number, once: () => Promise<number>): Promise<void> {
    this.driver!.phase = FAULTS[fault];
    say(`== ${FAULTS[fault]}${fault === 'none' ? '' : ` x${times}`}`);
    for (let i = 0; i < times; i++) {
      const endedAt = await once();
      if (fault === 'none') continue;
      this.injected.set(fault, (this.injected.get(fault) ?? 0) + 1);
      const { recovered, healthyAt } = await this.awaitRecovery(endedAt, 60000);
      const seconds = (Date.now() - endedAt) / 1000;
      this.recovery.set(fault, Math.max(this.recovery.get(fault) ?? 0, seconds));
      const healthy = healthyAt === undefined ? 'never all healthy' : `all healthy after ${((healthyAt - endedAt) / 1000).toFixed(1)} s`;
      say(`   ${recovered ? 'recovered' : 'NOT recovered'} ${seconds.toFixed(1)} s after injection ${i + 1} (${healthy})`);
    }
  }

  /**
   * Recovered: every service answers its health check (which reaches its database), and what was
   * in the pipeline when the fault ended has gone through: every event committed by then is
   * published, every referral and charge published by then has opened its CPS or court case, and
   * the projection has consumed every message the topics held then. Events that arrive afterwards
   * under the continuous load must not wait longer than a margin (2 s for the agencies, 10 s for
   * the projection, whose batches are slower), so a consumer that stalls after the fault is caught.
   */
  private async awaitRecovery(endedAt: number, timeoutMs: number): Promise<{ recovered: boolean; healthyAt?: number }> {
    const deadline = Date.now() + timeoutMs;
    let waitingOn = '';
    let reported = '';
    let healthyAt: number | undefined;
    while (Date.now() < deadline) {
      const healthy = await Promise.all(SERVICES.map((name) => this.service(name).healthy()));
      const down = SERVICES.filter((_, i) => !healthy[i]);
      if (down.length === 0) healthyAt ??= Date.now();
      waitingOn = down.length > 0 ? `${down.join(', ')} not answering its health check` : await this.behind(endedAt);
      if (!waitingOn) return { recovered: true, healthyAt };
      // Say what the pipeline waits for when recovery is slow: it is the figure worth explaining.
      const what = waitingOn.replace(/\d+/g, 'n');
      if (Date.now() - endedAt > 10000 && what !== reported) {
        say(`   still waiting: ${waitingOn}`);
        reported = what;
      }
      await sleep(250);
    }
    say(`   gave up waiting: ${waitingOn}`);
    return { recovered: false, healthyAt };
  }

  /** What has not gone through yet (see awaitRecovery), or '' when everything has. */
  private async behind(endedAt: number): Promise<string> {
    const cutoff = `greatest(to_timestamp($1 / 1000.0), now() - interval '2 seconds')`;
    const published = (agency: string) => `${agency}.events e WHERE e.published_at < ${cutoff}`;
    const { rows } = await this.db!.query(
      `SELECT (SELECT count(*) FROM police.events WHERE published_at IS NULL AND recorded_at < ${cutoff})
            + (SELECT count(*) FROM cps.events WHERE published_at IS NULL AND recorded_at < ${cutoff})
            + (SELECT count(*) FROM courts.events WHERE published_at IS NULL AND recorded_at < ${cutoff}) AS unpublished,
              (SELECT count(*) FROM ${published('police')} AND e.type LIKE '%.CaseReferredToCps'
                 AND NOT EXISTS (SELECT 1 FROM cps.events c WHERE c.envelope->>'causationid' = e.event_id::text)) AS cps,
              (SELECT count(*) FROM ${published('cps')} AND e.type LIKE '%.PreChargeDecisionMade' AND e.envelope->'data'->>'decision' = 'charge'
                 AND NOT EXISTS (SELECT 1 FROM courts.events c WHERE c.envelope->>'causationid' = e.event_id::text)) AS courts`,
      [endedAt],
    );
    const row = rows[0] as Record<'unpublished' | 'cps' | 'courts', string>;
    const projection = await this.lag!.behind(this.db!, Math.max(endedAt, Date.now() - 10000));
    return [
      Number(row.unpublished) > 0 ? `${row.unpublished} events committed but not published` : '',
      Number(row.cps) > 0 ? `${row.cps} published referrals not yet taken by the CPS consumer` : '',
      Number(row.courts) > 0 ? `${row.courts} published charges not yet taken by the courts consumer` : '',
      projection === undefined ? 'no end offsets sampled yet' : projection > 0 ? `${projection} messages not yet consumed by the projection` : '',
    ]
      .filter(Boolean)
      .join('; ');
  }

  private async killProjection(): Promise<number> {
    await sleep(between(2000, 6000));
    const at = await this.service('projection').kill();
    say('   projection killed (SIGKILL); the supervisor restarts it');
    return at;
  }

  /**
   * A burst of commands, and the police service SIGKILLed the moment an event is seen committed
   * but not yet published: the outbox must publish it after the restart, and a client whose reply
   * was lost gets the stored answer when it retries with its Idempotency-Key.
   */
  private async killPoliceBetweenCommitAndPublish(): Promise<number> {
    await sleep(between(2000, 4000));
    this.driver!.burst(15);
    const deadline = Date.now() + 3000;
    let unpublished: string[] = [];
    while (Date.now() < deadline) {
      const { rows } = await this.db!.query(`SELECT event_id::text AS id FROM police.events WHERE published_at IS NULL`);
      unpublished = rows.map((row: { id: string }) => row.id);
      if (unpublished.length > 0) break;
    }
    const at = await this.service('police').kill();
    this.policeKills.push({ at, unpublishedAtKill: unpublished });
    say(`   police killed (SIGKILL) with ${unpublished.length} events committed and not yet marked published`);
    return at;
  }

  private async restartBroker(): Promise<number> {
    await sleep(between(3000, 5000));
    await this.broker.stop();
    say('   broker stopped');
    await sleep(5000);
    await this.broker.start();
    say('   broker started again');
    return Date.now();
  }

  /**
   * PostgreSQL goes away for every service at once, cut the moment a referral is on Kafka and the
   * CPS has not yet opened its case from it, so that the CPS consumer meets the outage with a
   * message in hand: it must leave it to be redelivered, not acknowledge it.
   */
  private async postgresOutage(): Promise<number> {
    await sleep(between(3000, 5000));
    this.driver!.burst(10);
    const deadline = Date.now() + 3000;
    let inFlight = 0;
    while (Date.now() < deadline && inFlight === 0) {
      const { rows } = await this.db!.query(
        `SELECT count(*)::int AS n FROM police.events p WHERE p.type LIKE '%.CaseReferredToCps' AND p.published_at IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM cps.events c WHERE c.envelope->>'causationid' = p.event_id::text)`,
      );
      inFlight = rows[0].n;
    }
    const cut = await this.proxy.cut();
    this.referralsInFlightAtCut += inFlight;
    say(`   PostgreSQL unavailable: ${cut} connections cut, new ones refused; ${inFlight} referrals on Kafka not yet taken by the CPS`);
    await sleep(10000);
    await this.proxy.restore();
    say('   PostgreSQL available again');
    return Date.now();
  }

  private async waitUntilSettled(timeoutMs: number): Promise<boolean> {
    say('waiting for every outbox to drain and every consumer to reach the end of its topics');
    const deadline = Date.now() + timeoutMs;
    let last = '';
    let settledBefore = false;
    while (Date.now() < deadline) {
      try {
        const state = await pipelineState(this.db!, this.kafka, this.topics);
        last = describeState(state);
        if (settled(state)) {
          if (settledBefore) {
            say('settled: outboxes empty, CPS and courts hold every referral and charge, projection at the end of every partition');
            return true;
          }
          settledBefore = true;
        } else {
          settledBefore = false;
        }
      } catch (error) {
        last = `could not read the state: ${(error as Error).message}`;
      }
      await sleep(1000);
    }
    say(`NOT settled after ${timeoutMs / 1000} s: ${last}`);
    await this.showDatabaseSessions();
    await this.showConsumerGroups();
    this.requestDiagnosticReports();
    return false;
  }

  /** What the services' database sessions are doing, for a pipeline that does not settle (a hung transaction, a lock). */
  private async showDatabaseSessions(): Promise<void> {
    try {
      const { rows } = await this.db!.query(
        `SELECT pid, state, wait_event_type, wait_event, round(extract(epoch FROM now() - xact_start))::int AS transaction_s,
                round(extract(epoch FROM now() - state_change))::int AS in_state_s, left(regexp_replace(query, '\\s+', ' ', 'g'), 140) AS query
           FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() ORDER BY xact_start NULLS LAST`,
      );
      say(`database sessions of the services (${rows.length}):`);
      for (const row of rows) {
        say(`   pid ${row.pid} ${row.state}${row.wait_event ? ` waiting on ${row.wait_event_type}/${row.wait_event}` : ''}` +
          `${row.transaction_s !== null ? `, transaction open ${row.transaction_s} s` : ''}, in this state ${row.in_state_s} s: ${row.query}`);
      }
    } catch (error) {
      say(`could not list the database sessions: ${(error as Error).message}`);
    }
  }

  /** The consumer groups as the broker sees them: a group with no member, or rebalancing, explains a consumer that does not consume. */
  private async showConsumerGroups(): Promise<void> {
    const admin = createKafka(this.kafka).admin();
    try {
      await admin.connect();
      const { groups } = await admin.listGroups();
      const { groups: described } = await admin.describeGroups(groups.map((group) => group.groupId));
      say(`consumer groups on the fault broker (${described.length}):`);
      for (const group of described) {
        say(`   ${group.groupId}: ${group.state}, ${group.members.length} member(s)${group.members.map((member) => ` ${member.clientId}@${member.clientHost}`).join(',')}`);
      }
    } catch (error) {
      say(`could not describe the consumer groups: ${(error as Error).message}`);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Each service writes a Node diagnostic report (handles, timers, sockets) into the run's log folder. */
  private requestDiagnosticReports(): void {
    for (const service of this.services.values()) {
      if (service.pid === undefined) continue;
      try {
        process.kill(service.pid, 'SIGUSR2');
      } catch {
        // gone meanwhile
      }
    }
    say(`asked every service for a Node diagnostic report (in ${path.join(this.runDir, 'reports')})`);
  }

  private report(reconciliation: Reconciliation, drained: boolean): boolean {
    const driver = this.driver!;
    const rows: FaultRow[] = (Object.keys(FAULTS) as Fault[]).map((fault) => ({
      fault: FAULTS[fault],
      injected: fault === 'none' ? undefined : (this.injected.get(fault) ?? 0),
      figures: reconciliation.byPhase.get(FAULTS[fault]) ?? { sent: 0, reconciled: 0, lost: 0, duplicated: 0, redelivered: 0 },
      recoverySeconds: this.recovery.get(fault),
    }));
    const window = killWindowFigures(this.policeKills, reconciliation);
    const exits = [...this.services.values()].flatMap((service) => service.exits);
    const crashed = exits.filter((exit) => !exit.killedByUs);
    const retried = driver.accepted.filter((command) => command.failedAttempts.length > 0).length;
    const seconds = (Date.now() - startedAt) / 1000;

    console.log('');
    console.log(faultTable(rows));
    console.log('');
    console.log('events sent = events of the accepted police and CPS commands, plus the CPS case each referral must open and the');
    console.log('court case each charge must open; reconciled = in its agency store, on Kafka, and exactly once in the projection.');
    console.log('');
    console.log(`load: ${driver.cases.length} cases, ${driver.accepted.length} commands accepted, ${driver.requests} requests ` +
      `(${driver.networkErrors} network errors or timeouts, ${driver.serverErrors} 5xx, all retried with the same Idempotency-Key; ` +
      `${retried} commands needed a retry; ${reconciliation.answeredByIdempotencyKey} had committed before their reply was lost and were answered from the key)`);
    console.log(`police kills: ${window.committedUnpublished} events seen committed but unpublished just before a kill, ` +
      `${window.publishedAfterRestart} of them published only by the restarted service`);
    const redelivered = (name: ServiceName) => (fs.readFileSync(this.service(name).logFile, 'utf8').match(/it will be redelivered/g) ?? []).length;
    console.log(`PostgreSQL outages: ${this.proxy.cutConnections} connections cut; ${this.referralsInFlightAtCut} referrals were on Kafka, not yet taken by the CPS, at a cut; ` +
      `upstream messages the CPS / courts could not process and left to be redelivered: ${redelivered('cps')} / ${redelivered('courts')}`);
    console.log(`service exits: ${exits.length - crashed.length} killed by this run, ${crashed.length} on their own` +
      (crashed.length ? ` (${crashed.map((exit) => `${exit.service} code ${exit.code}`).join(', ')})` : ''));
    console.log(`stores police/cps/courts: ${reconciliation.storedEvents.police}/${reconciliation.storedEvents.cps}/${reconciliation.storedEvents.courts} events; ` +
      `on Kafka ${reconciliation.kafkaMessages.police}/${reconciliation.kafkaMessages.cps}/${reconciliation.kafkaMessages.courts} messages ` +
      `(${reconciliation.redeliveredByTopic.police}/${reconciliation.redeliveredByTopic.cps}/${reconciliation.redeliveredByTopic.courts} redelivered copies); ` +
      `the projection (${reconciliation.projectionSchema}) holds ${reconciliation.projectedEvents} events and ${reconciliation.casesInProjection} of ${reconciliation.casesDriven} cases; ` +
      `${reconciliation.deadLetters} dead letters`);
    console.log(`the CPS opened ${reconciliation.cpsCasesOpened} cases from ${reconciliation.referrals} referrals; ` +
      `the courts opened ${reconciliation.courtCasesOpened} cases from ${reconciliation.charges} charges`);

    const problems = [
      ...(drained ? [] : ['the pipeline did not settle in time (see above)']),
      ...driver.refused.map((refused) => `${refused.command} ${refused.key} refused with ${refused.status}: ${JSON.stringify(refused.body)}`),
      ...driver.unresolved.map((command) => `${command.command} ${command.key} never accepted after ${command.attempts} attempts`),
      ...reconciliation.problems.map((problem) => `[${problem.phase}] ${problem.what}`),
    ];
    const passed = problems.length === 0 && rows.every((row) => row.figures.lost === 0 && row.figures.duplicated === 0);
    if (problems.length > 0) {
      console.log(`\n${problems.length} problems:`);
      for (const problem of problems.slice(0, 30)) console.log(`  - ${problem}`);
      if (problems.length > 30) console.log(`  ... and ${problems.length - 30} more`);
    }
    console.log(`\n${passed ? 'PASSED' : 'FAILED'}: nothing lost and nothing duplicated ${passed ? 'in any row' : 'is NOT shown'} (run took ${seconds.toFixed(0)} s)`);
    return passed;
  }

  /** Always runs, once: children stopped, broker stopped and purged, database dropped. */
  cleanup(passed: boolean): Promise<void> {
    this.cleaned ??= (async () => {
      if (!this.locked) return; // another run holds the broker, the ports and the database: touch nothing
      say('cleaning up');
      const step = async (what: string, work: () => Promise<unknown>) => {
        try {
          await work();
        } catch (error) {
          console.error(`cleanup: ${what} failed: ${(error as Error).message}`);
        }
      };
      await step('stopping the lag probe', async () => this.lag?.stop());
      await step('stopping the services', () => Promise.all([...this.services.values()].map((service) => service.stop())));
      fs.rmSync(this.pidFile, { force: true });
      await step('closing the PostgreSQL proxy', () => this.proxy.close());
      await step('stopping the fault broker', () => this.broker.purge());
      await step('closing the database pool', async () => this.db?.end());
      if (this.databaseCreated) await step(`dropping database ${DATABASE}`, () => dropDatabase(this.directUrl));
      fs.rmSync(this.lockFile, { force: true });
      if (passed && !this.options.keepLogs) fs.rmSync(this.runDir, { recursive: true, force: true });
      else say(`logs kept in ${this.runDir}`);
    })();
    return this.cleaned;
  }

  /** On an abrupt exit: no awaiting, just make sure no child outlives us. */
  killChildrenNow(): void {
    for (const service of this.services.values()) service.killNow();
  }
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`fault run: ${(error as Error).message}`);
    process.exit(2);
  }
  const run = new FaultRun(options);
  let finishing = false;
  const finish = async (code: number, passed: boolean) => {
    if (finishing) return;
    finishing = true;
    await run.cleanup(passed);
    process.exit(code);
  };
  process.on('exit', () => run.killChildrenNow());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      say(`${signal}: stopping`);
      void finish(130, false);
    });
  }
  const hardTimeout = setTimeout(() => {
    say(`hard timeout: the run took longer than ${options.timeoutSeconds} s`);
    void finish(2, false);
  }, options.timeoutSeconds * 1000);
  hardTimeout.unref();

  try {
    const passed = await run.run();
    await finish(passed ? 0 : 1, passed);
  } catch (error) {
    console.error(`fault run failed: ${error instanceof CannotRun ? error.message : ((error as Error).stack ?? String(error))}`);
    await finish(1, false);
  }
}

void main();
