export * from './decider';
export * from './flag-rules';
