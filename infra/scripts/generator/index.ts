export * from './prng';
export * from './calibration';
export * from './national-year';
