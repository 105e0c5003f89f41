import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export type ServiceName = 'police' | 'cps' | 'courts' | 'projection';

export interface ServiceExit {
  readonly service: ServiceName;
  readonly at: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when this run killed it on purpose (a fault); false when it died on its own. */
  readonly killedByUs: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One service as a child process (`node dist/services/<name>/src/main.js`), restarted whenever it
 * exits until the run stops it, the way a process manager would. Its output goes to a log file
 * that keeps every incarnation, each opened by a marker line.
 */
export class SupervisedService {
  private child?: ChildProcess;
  private stopping = false;
  private killing = false;
  private starts = 0;
  private restartTimer?: NodeJS.Timeout;
  readonly exits: ServiceExit[] = [];

  constructor(
    readonly name: ServiceName,
    private readonly root: string,
    private readonly env: NodeJS.ProcessEnv,
    readonly port: number,
    readonly logFile: string,
    private readonly onPid: () => void,
  ) {}

  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  get incarnations(): number {
    return this.starts;
  }

  start(): void {
    if (this.stopping) return;
    this.starts += 1;
    const log = fs.openSync(this.logFile, 'a');
    fs.writeSync(log, `\n===== ${this.name} start #${this.starts} at ${new Date().toISOString()} =====\n`);
    // Its own process group: a Ctrl-C in the terminal reaches this script, which stops the children in order.
    const flags = this.name === 'projection' ? ['--max-semi-space-size=64'] : []; // as package.json's start:projection
    const child = spawn(process.execPath, [...flags, path.join(this.root, 'dist/services', this.name, 'src/main.js')], {
      cwd: this.root,
      env: this.env,
      stdio: ['ignore', log, log],
      detached: true,
    });
    fs.closeSync(log);
    this.child = child;
    this.onPid();
    child.on('exit', (code, signal) => {
      const killedByUs = this.killing || this.stopping;
      this.killing = false;
      this.exits.push({ service: this.name, at: Date.now(), code, signal, killedByUs });
      fs.appendFileSync(
        this.logFile,
        `===== ${this.name} exited (code ${code}, signal ${signal}, ${this.stopping ? 'stopped at the end of the run' : killedByUs ? 'killed by the fault script' : 'on its own'}) at ${new Date().toISOString()} =====\n`,
      );
      if (this.child === child) this.child = undefined;
      this.onPid();
      if (!this.stopping) this.restartTimer = setTimeout(() => this.start(), killedByUs ? 200 : 1000);
    });
  }

  /** SIGKILL: no shutdown hook runs, exactly like a crash or an OOM kill. The supervisor restarts it. */
  async kill(): Promise<number> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) throw new Error(`${this.name} is not running`);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.killing = true;
    child.kill('SIGKILL');
    await exited;
    return Date.now();
  }

  async healthy(): Promise<boolean> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.port}/health`, { signal: AbortSignal.timeout(2000) });
      return response.ok;
    } catch {
      return false;
    }
  }

  /** Waits for the health check; gives up early when the service keeps dying on its own (e.g. it cannot start). */
  async waitHealthy(timeoutMs: number, maxCrashes = 3): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const crashesBefore = this.exits.filter((exit) => !exit.killedByUs).length;
    while (Date.now() < deadline) {
      if (await this.healthy()) return true;
      if (this.exits.filter((exit) => !exit.killedByUs).length - crashesBefore >= maxCrashes) return false;
      await sleep(250);
    }
    return false;
  }

  /** Stops for good: SIGTERM (Nest's shutdown hooks), then SIGKILL after a grace period. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Last resort on process exit: synchronous, no waiting. */
  killNow(): void {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const pid = this.pid;
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
