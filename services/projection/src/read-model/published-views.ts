import { ServiceUnavailableException } from '@nestjs/common';
import { READ_MODEL } from './read-model';

/**
 * PostgreSQL's "relation", "function" or "schema does not exist": the `analytics` and `inspection`
 * views are not published yet (a database whose first read model version is being built).
 */
const NOT_PUBLISHED = new Set(['42P01', '42883', '3F000']);

/** Runs a read of the published views, answering 503 while no read model version has published them. */
export async function fromPublishedViews<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (NOT_PUBLISHED.has((error as { code?: string }).code ?? '')) {
      throw new ServiceUnavailableException(
        `the analytics views are not published yet: read model ${READ_MODEL.version} is being built from the topics and switches in once it has caught up`,
      );
    }
    throw error;
  }
}
