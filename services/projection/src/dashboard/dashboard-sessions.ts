import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Principal, Role } from '@hc/service-kit';

/** 30 minutes after the last request, 8 hours after sign-in at most. */
export const SESSION_IDLE_MINUTES = 30;
export const SESSION_MAX_HOURS = 8;

export interface DashboardSession {
  readonly principal: Principal;
  readonly csrfToken: string;
}

const hash = (sessionId: string) => createHash('sha256').update(sessionId).digest('hex');

/**
 * The dashboard's sessions in `projection.dashboard_sessions`. The session id (the cookie) is 32
 * random bytes and only its hash is stored; the CSRF token is per session. Times are the
 * database's, so that every instance of the service agrees on when a session ends.
 */
@Injectable()
export class DashboardSessions {
  constructor(private readonly dataSource: DataSource) {}

  /** A new session for a key that was just checked; returns the cookie's value (the only copy). */
  async start(principal: Principal): Promise<{ sessionId: string; csrfToken: string }> {
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    await this.dataSource.query(
      `INSERT INTO projection.dashboard_sessions (session_hash, key_id, role, principal, scope, csrf_token, idle_expires_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(mins => $7), now() + make_interval(hours => $8))`,
      [hash(sessionId), principal.keyId, principal.role, principal.name, principal.scope, csrfToken, SESSION_IDLE_MINUTES, SESSION_MAX_HOURS],
    );
    // Ended sessions are of no use to anyone: sweep them as new ones start.
    await this.dataSource.query(`DELETE FROM projection.dashboard_sessions WHERE expires_at < now() OR idle_expires_at < now()`);
    return { sessionId, csrfToken };
  }

  /**
   * The live session of a cookie, its idle expiry pushed back; `expired` names the key of a
   * session that has ended (to log it), `undefined` an unknown cookie. A session whose key was
   * revoked has ended too.
   */
  async resume(sessionId: string): Promise<DashboardSession | { expired: string } | undefined> {
    const rows: Array<{ key_id: string; role: Role; principal: string; scope: string; csrf_token: string; live: boolean }> = await this.dataSource.query(
      `SELECT s.key_id, s.role, s.principal, s.scope, s.csrf_token,
              (s.idle_expires_at > now() AND s.expires_at > now() AND k.key_id IS NOT NULL AND k.revoked_at IS NULL) AS live
         FROM projection.dashboard_sessions s LEFT JOIN projection.api_keys k ON k.key_id = s.key_id
        WHERE s.session_hash = $1`,
      [hash(sessionId)],
    );
    const row = rows[0];
    if (!row) return undefined;
    if (!row.live) {
      await this.end(sessionId);
      return { expired: row.key_id };
    }
    await this.dataSource.query(
      `UPDATE projection.dashboard_sessions
          SET last_seen_at = now(), idle_expires_at = least(expires_at, now() + make_interval(mins => $2))
        WHERE session_hash = $1`,
      [hash(sessionId), SESSION_IDLE_MINUTES],
    );
    return { principal: { keyId: row.key_id, name: row.principal, role: row.role, scope: row.scope }, csrfToken: row.csrf_token };
  }

  async end(sessionId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM projection.dashboard_sessions WHERE session_hash = $1`, [hash(sessionId)]);
  }
}

/** Compares a form's CSRF token with the session's in constant time. */
export function csrfTokenMatches(session: DashboardSession, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const expected = Buffer.from(session.csrfToken);
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
