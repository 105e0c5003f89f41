export * from './event-store';
export * from './event-store.migration';
export * from './outbox-relay';
export * from './database';
export * from './database-errors';
