import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * docs/agency-rules.md is the table of every rule the agencies refuse or warn of. This keeps it
 * true: every code a decider raises (DomainError) or warns of (a Warning's code) is on the page.
 */
const root = join(__dirname, '..', '..', '..');
const sources = [
  join(root, 'libs/domain/src'),
  join(root, 'services/police/src/domain'),
  join(root, 'services/cps/src/domain'),
  join(root, 'services/courts/src/domain'),
].flatMap((dir) => readdirSync(dir).filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts')).map((file) => join(dir, file)));

const CODE = /(?:DomainError\(\s*|code: |droppedWarning\(recorded, |requireReason\([\w.]+, )'([a-z_]+)'/g;

describe('docs/agency-rules.md', () => {
  const page = readFileSync(join(root, 'docs/agency-rules.md'), 'utf8');
  const codes = [...new Set(sources.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(CODE)].map((match) => match[1]!)))].sort();

  it('finds the codes in the deciders', () => {
    expect(codes).toEqual(expect.arrayContaining(['no_uplift_decision', 'flag_not_held', 'already_acquitted', 'case_not_found']));
    expect(codes.length).toBeGreaterThan(60);
  });

  it('lists every code a decider refuses or warns of', () => {
    expect(codes.filter((code) => !page.includes(`\`${code}\``))).toEqual([]);
  });

  it('has a test for every rule it lists: a refusal for a refused rule, a warning for a warned one', () => {
    const deciderSpecs = sources.map((file) => file.replace(/\.ts$/, '.spec.ts')).filter((file) => existsSync(file));
    // A rule outside the deciders (the event store's schema check) is tested through an agency's API.
    const apiTests = readdirSync(join(root, 'test')).filter((file) => file.endsWith('-api.e2e-spec.ts')).map((file) => join(root, 'test', file));
    const specs = [...deciderSpecs, ...apiTests].map((file) => readFileSync(file, 'utf8')).join('\n');
    const rows = page.split('\n').filter((line) => line.startsWith('| ') && /\| (refused|warned)/.test(line));
    const untested = rows.flatMap((line) => {
      const [, , codeCell = '', kind = ''] = line.split('|');
      const tested = kind.trim().startsWith('refused')
        ? (code: string) => specs.includes(`thenFails('${code}'`) || specs.includes(`code: '${code}'`)
        : (code: string) => specs.includes(`'${code}'`);
      return [...codeCell.matchAll(/`([a-z_]+)`/g)].map((match) => match[1]!).filter((code) => !tested(code));
    });
    expect(rows.length).toBeGreaterThan(40);
    expect(untested).toEqual([]);
  });
});
