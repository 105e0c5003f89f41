export * from './environment';
export * from './database-admin';
