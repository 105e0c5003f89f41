import { permanentDatabaseError } from './database-errors';

describe('permanentDatabaseError', () => {
  it('names a data exception or a program limit with its SQLSTATE, and nothing of the statement', () => {
    expect(permanentDatabaseError(Object.assign(new Error('time zone displacement out of range: "+23:59"'), { code: '22009' }))).toBe(
      'time zone displacement out of range: "+23:59" (SQLSTATE 22009)',
    );
    expect(permanentDatabaseError({ code: '22021', message: 'invalid byte sequence for encoding "UTF8": 0x00' })).toMatch(/0x00 \(SQLSTATE 22021\)$/);
    expect(permanentDatabaseError({ code: '54000', message: 'index row size exceeds maximum' })).toMatch(/SQLSTATE 54000/);
  });

  it.each([
    ['a lost connection', { code: '08006', message: 'connection failure' }],
    ['a deadlock', { code: '40P01', message: 'deadlock detected' }],
    ['a serialisation failure', { code: '40001', message: 'could not serialize access' }],
    ['a unique violation (a concurrent writer)', { code: '23505', message: 'duplicate key' }],
    ['an error without a code', new Error('socket hang up')],
    ['nothing', undefined],
  ])('leaves %s to be retried', (_what, error) => {
    expect(permanentDatabaseError(error)).toBeUndefined();
  });
});
