import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The run's own single-node Kafka broker, started and stopped with the project's scripts
 * (infra/kafka/start.sh and stop.sh) on other ports and in its own state directory, so the
 * shared broker on 9092 is never touched. Stopping keeps the data (the topics survive a
 * restart, as on a real broker); `purge` also deletes the state directory.
 */
export class FaultBroker {
  constructor(
    private readonly root: string,
    readonly port: number,
    private readonly controllerPort: number,
    readonly stateDir: string,
    private readonly logFile: string,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  start(): Promise<void> {
    return this.script('start.sh', []);
  }

  stop(): Promise<void> {
    return this.script('stop.sh', []);
  }

  purge(): Promise<void> {
    return this.script('stop.sh', ['--purge']);
  }

  private script(name: string, args: string[]): Promise<void> {
    const log = fs.openSync(this.logFile, 'a');
    fs.writeSync(log, `\n===== ${name} ${args.join(' ')} at ${new Date().toISOString()} =====\n`);
    const child = spawn('bash', [path.join(this.root, 'infra/kafka', name), ...args], {
      cwd: this.root,
      env: {
        ...process.env,
        KAFKA_PORT: String(this.port),
        KAFKA_CONTROLLER_PORT: String(this.controllerPort),
        KAFKA_STATE_DIR: this.stateDir,
        KAFKA_SECURITY: 'plaintext',
        KAFKA_START_TIMEOUT: '90',
      },
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`infra/kafka/${name} ${args.join(' ')} failed (exit ${code}); see ${this.logFile}`)),
      );
    });
  }
}
