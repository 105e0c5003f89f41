import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { environment } from '@hc/config';
import { DomainError } from '@hc/domain';
import { EventStore, type StoredEvent } from '@hc/event-store';
import { requireInScope } from '@hc/service-kit';
import { PersonCipher } from '@hc/personal-data';
import type { PersonDetailsDto } from './dto/person-details.dto';

export type PersonDetails = Omit<PersonDetailsDto, 'role'>;

/**
 * Names, dates of birth, addresses and contact details of victims and suspects. They are linked to
 * a case by the pseudonymous id the events carry, sealed per person, read only with an access-log
 * entry, and erased by destroying the person's key.
 */
@Injectable()
export class PeopleService {
  private readonly cipher = new PersonCipher(environment().PERSONAL_DATA_KEY);

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
  ) {}

  async record(caseId: string, personId: string, body: PersonDetailsDto, actor: string): Promise<{ caseId: string; personId: string }> {
    await this.requirePersonOnCase(caseId, personId, body.role);
    const { role, ...details } = body;
    await this.dataSource.transaction(async (manager) => {
      const erased: unknown[] = await manager.query(`SELECT 1 FROM police.erasures WHERE person_id = $1`, [personId]);
      if (erased.length > 0) throw new DomainError('personal_data_erased', `the details of ${personId} were erased and cannot be recorded again`, 'conflict');
      await manager.query(
        `INSERT INTO police.person_keys (person_id, wrapped_key) VALUES ($1, $2) ON CONFLICT (person_id) DO NOTHING`,
        [personId, this.cipher.newWrappedKey(personId)],
      );
      const [{ wrapped_key: wrappedKey }] = await manager.query(`SELECT wrapped_key FROM police.person_keys WHERE person_id = $1`, [personId]);
      // A person id is bound to the case it was first recorded on: another case naming the same id
      // (by mistake, or chosen to) cannot overwrite that person's details.
      const written: unknown[] = await manager.query(
        `INSERT INTO police.person_details (person_id, case_id, role, sealed) VALUES ($1, $2, $3, $4)
         ON CONFLICT (person_id) DO UPDATE SET sealed = EXCLUDED.sealed, role = EXCLUDED.role, updated_at = now()
          WHERE police.person_details.case_id = EXCLUDED.case_id
         RETURNING person_id`,
        [personId, caseId, role, this.cipher.encrypt(personId, wrappedKey, details)],
      );
      if (written.length === 0) {
        throw new DomainError('person_on_another_case', `the details of ${personId} belong to another case; a person id is bound to the case it was first recorded on`, 'conflict');
      }
      await manager.query(`INSERT INTO police.access_log (actor, action, case_id, person_id) VALUES ($1, 'record-personal-details', $2, $3)`, [
        actor, caseId, personId,
      ]);
    });
    return { caseId, personId };
  }

  async read(caseId: string, personId: string, actor: string): Promise<PersonDetails & { role: string }> {
    await this.requireCaseInScope(caseId);
    const rows: Array<{ role: string; sealed: string; wrapped_key: string | null; erased: boolean }> = await this.dataSource.query(
      `SELECT d.role, d.sealed, k.wrapped_key, EXISTS (SELECT 1 FROM police.erasures e WHERE e.person_id = d.person_id) AS erased
         FROM police.person_details d LEFT JOIN police.person_keys k USING (person_id)
        WHERE d.person_id = $1 AND d.case_id = $2`,
      [personId, caseId],
    );
    const row = rows[0];
    if (!row) throw new DomainError('no_personal_details', `no personal details are held for ${personId} on case ${caseId}`, 'not_found');
    await this.dataSource.query(`INSERT INTO police.access_log (actor, action, case_id, person_id) VALUES ($1, 'read-personal-details', $2, $3)`, [
      actor, caseId, personId,
    ]);
    if (row.erased || !row.wrapped_key) throw new DomainError('personal_data_erased', `the details of ${personId} were erased`, 'conflict');
    return { role: row.role, ...this.cipher.decrypt<PersonDetails>(personId, row.wrapped_key, row.sealed) };
  }

  /**
   * Destroys the person's key: their sealed details stay, unreadable, here and in every backup.
   * Only a person whose details the force holds, on a case of its own, can be erased.
   */
  async erase(personId: string, reason: string, actor: string): Promise<{ personId: string; erased: true }> {
    const held: Array<{ case_id: string }> = await this.dataSource.query(`SELECT case_id FROM police.person_details WHERE person_id = $1`, [personId]);
    if (!held[0]) throw new DomainError('no_personal_details', `no personal details are held for ${personId}, so there is nothing to erase`, 'not_found');
    await this.requireCaseInScope(held[0].case_id);
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`DELETE FROM police.person_keys WHERE person_id = $1`, [personId]);
      await manager.query(`INSERT INTO police.erasures (person_id, reason) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [personId, reason]);
      await manager.query(`INSERT INTO police.access_log (actor, action, case_id, person_id) VALUES ($1, 'erase-personal-details', $2, $3)`, [
        actor, held[0]!.case_id, personId,
      ]);
    });
    return { personId, erased: true };
  }

  /** A force's system reaches the personal details of its own force's cases only, as it does the cases. */
  private async requireCaseInScope(caseId: string): Promise<StoredEvent[]> {
    const stream = await this.store.readStream(caseId);
    requireInScope('force', (stream[0]?.envelope.data as { forceCode?: string } | undefined)?.forceCode);
    if (stream.length === 0) throw new DomainError('case_not_found', `no crime has been recorded as case ${caseId}`, 'not_found');
    return stream;
  }

  /** The person must be one of the case's suspects or assessed victims, by the pseudonymous id in its events. */
  private async requirePersonOnCase(caseId: string, personId: string, role: 'victim' | 'suspect'): Promise<void> {
    const stream = await this.requireCaseInScope(caseId);
    const field = role === 'suspect' ? 'suspectId' : 'victimId';
    const known = stream.some((stored) => (stored.envelope.data as Record<string, unknown>)[field] === personId);
    if (!known) {
      throw new DomainError('person_not_on_case', `${personId} is not a ${role} of case ${caseId}: identify the suspect or assess the victim first`, 'not_found');
    }
  }
}
