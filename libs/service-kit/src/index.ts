export * from './validation';
export * from './domain-error.filter';
export * from './http-app';
export * from './event-sourcing.module';
export * from './health.controller';
export * from './upstream-consumer';
export * from './bootstrap';
