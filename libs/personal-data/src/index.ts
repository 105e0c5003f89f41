export * from './person-cipher';
