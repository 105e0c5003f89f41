import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessLog, accessLogActor } from '@hc/service-kit';
import { fromPublishedViews } from '../read-model/published-views';
import { actionScore, colour, EVIDENCE, RELATIONSHIPS, type Colour, type Relationship } from './relationships';

export interface EvidenceFigure {
  readonly key: string;
  readonly label: string;
  readonly numerator: number;
  readonly denominator: number;
  /** numerator / denominator in %, one decimal; null when no case is behind it. */
  readonly pct: number | null;
}

export interface FrameworkScore {
  readonly relationship: Relationship;
  readonly version: number;
  readonly score: number;
  readonly reason: string;
  readonly enteredBy: string;
  readonly enteredAt: string;
}

export interface RelationshipScore {
  readonly relationship: Relationship;
  readonly label: string;
  readonly evidence: readonly EvidenceFigure[];
  readonly actionScore: number | null;
  /** The framework score in force: the latest entered. */
  readonly framework: FrameworkScore | null;
  readonly total: number | null;
  readonly colour: Colour | null;
}

/** The relationship scorecard: evidence from the case journeys, framework scores entered by people. */
@Injectable()
export class ScorecardService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accessLog: AccessLog,
  ) {}

  async scorecard(year?: string): Promise<{ year: string; relationships: RelationshipScore[] }> {
    const figures = RELATIONSHIPS.flatMap((relationship) => EVIDENCE[relationship].evidence);
    const columns = figures.flatMap((figure) => [
      `count(*) FILTER (WHERE ${figure.of})::int AS "${figure.key}:of"`,
      `count(*) FILTER (WHERE (${figure.of}) AND coalesce(${figure.showing}, false))::int AS "${figure.key}:showing"`,
    ]);
    const chosen = year && year !== 'all' ? year : undefined;
    // Counts over the case rows, never a case: the aggregate a statistic is (no case-level read).
    const [counts] = await fromPublishedViews(() =>
      this.dataSource.query(`SELECT ${columns.join(', ')} FROM inspection.case_journey j WHERE j.hate_crime AND ($1::text IS NULL OR j.financial_year = $1)`, [chosen]),
    );
    const latest = await this.latestFrameworkScores();
    return {
      year: chosen ?? 'all',
      relationships: RELATIONSHIPS.map((relationship) => {
        const evidence = EVIDENCE[relationship].evidence.map((figure): EvidenceFigure => {
          const denominator = Number(counts[`${figure.key}:of`]);
          const numerator = Number(counts[`${figure.key}:showing`]);
          return { key: figure.key, label: figure.label, numerator, denominator, pct: denominator === 0 ? null : Math.round((1000 * numerator) / denominator) / 10 };
        });
        const action = actionScore(evidence.map((figure) => figure.pct));
        const framework = latest.get(relationship) ?? null;
        return {
          relationship,
          label: EVIDENCE[relationship].label,
          evidence,
          actionScore: action,
          framework,
          total: action === null || framework === null ? null : action + framework.score,
          colour: colour(action, framework?.score ?? null),
        };
      }),
    };
  }

  /**
   * The case rows behind one evidence figure: those it is a share of, or with `showing` those that
   * show the action (true) or do not (false). Exactly `denominator`, `numerator` or their difference
   * rows; written to the access log.
   */
  async casesBehind(relationship: Relationship, key: string, options: { year?: string; showing?: boolean; limit?: number; offset?: number }): Promise<{ count: number; rows: Record<string, unknown>[] }> {
    const figure = EVIDENCE[relationship].evidence.find((candidate) => candidate.key === key);
    if (!figure) throw new NotFoundException(`${relationship} has no evidence figure ${key}: one of ${EVIDENCE[relationship].evidence.map((candidate) => candidate.key).join(', ')}`);
    const year = options.year && options.year !== 'all' ? options.year : null;
    const showing = options.showing === undefined ? 'true' : options.showing ? `coalesce(${figure.showing}, false)` : `NOT coalesce(${figure.showing}, false)`;
    await this.accessLog.record(`read-cases-behind scorecard.${relationship}.${key} ${JSON.stringify({ year: year ?? 'all', showing: options.showing ?? null })}`, null);
    const rows: Array<Record<string, unknown>> = await fromPublishedViews(() =>
      this.dataSource.query(
        `SELECT count(*) OVER ()::int AS cell_count, j.case_id, j.defendant_id, j.urn, j.force_code, j.force_name, j.cps_area, j.financial_year, j.strands, j.stage_reached
           FROM inspection.case_journey j
          WHERE j.hate_crime AND (${figure.of}) AND ${showing} AND ($1::text IS NULL OR j.financial_year = $1)
          ORDER BY j.case_id, j.defendant_id NULLS FIRST
          LIMIT $2 OFFSET $3`,
        [year, options.limit ?? 1000, options.offset ?? 0],
      ),
    );
    return { count: Number(rows[0]?.cell_count ?? 0), rows: rows.map(({ cell_count: _count, ...row }) => row) };
  }

  /** Every framework score of a relationship, oldest first. */
  async history(relationship: Relationship): Promise<FrameworkScore[]> {
    const rows = await this.dataSource.query(
      `SELECT relationship, version, score, reason, entered_by, entered_at FROM projection.scorecard_framework_scores WHERE relationship = $1 ORDER BY version`,
      [relationship],
    );
    return rows.map(toScore);
  }

  /** A new framework score: the next version of the relationship's, kept for ever beside the earlier ones. */
  async enter(relationship: Relationship, score: number, reason: string): Promise<FrameworkScore> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.insert(relationship, score, reason);
      } catch (error) {
        // Two people entering a score at the same moment take the same next version: the second tries the one after.
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION || attempt === 5) throw error;
      }
    }
  }

  private async insert(relationship: Relationship, score: number, reason: string): Promise<FrameworkScore> {
    const [row] = await this.dataSource.query(
      `INSERT INTO projection.scorecard_framework_scores (relationship, version, score, reason, entered_by)
       SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4 FROM projection.scorecard_framework_scores WHERE relationship = $1
       RETURNING relationship, version, score, reason, entered_by, entered_at`,
      [relationship, score, reason, accessLogActor()],
    );
    return toScore(row);
  }

  private async latestFrameworkScores(): Promise<Map<Relationship, FrameworkScore>> {
    const rows = await this.dataSource.query(
      `SELECT DISTINCT ON (relationship) relationship, version, score, reason, entered_by, entered_at
         FROM projection.scorecard_framework_scores ORDER BY relationship, version DESC`,
    );
    return new Map(rows.map((row: Record<string, unknown>) => [row.relationship as Relationship, toScore(row)]));
  }
}

const UNIQUE_VIOLATION = '23505';

function toScore(row: Record<string, unknown>): FrameworkScore {
  return {
    relationship: row.relationship as Relationship,
    version: Number(row.version),
    score: Number(row.score),
    reason: String(row.reason),
    enteredBy: String(row.entered_by),
    enteredAt: (row.entered_at as Date).toISOString(),
  };
}
