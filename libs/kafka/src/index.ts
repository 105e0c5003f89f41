export * from './kafka-client';
export * from './topic-admin';
export * from './event-producer';
export * from './dead-letter';
export * from './batch-consumer';
export * from './nest-transport';
export * from './topic-reader';
export * from './acls';
