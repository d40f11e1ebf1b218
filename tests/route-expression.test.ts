/** Route match expressions: parsing, evaluation, errors with positions, and attempts to escape the language. */
import { describe, expect, test } from '@jest/globals';
import { MATCH_MAX_DEPTH, compileMatch, type CompiledMatch } from '../src/orchestration/routes/match-expression.js';
import { fieldsOf, getBackend } from '../src/orchestration/backends/registry.js';

const FIELDS = ['database.type', 'database.name', 'database.size', 'systemuser.shell', 'systemuser.groups', 'systemuser.isActive', 'account.type'];

const OBJ = {
  database: { type: 'mysql', name: "it's", size: 10 },
  systemuser: { shell: '/dev/null', groups: ['www', 'ftp'], isActive: true },
  account: { type: 'COMPANY' },
};

/** The fields of FIELDS holding booleans: conditions on their own. */
const BOOLEANS = ['systemuser.isActive'];

function ok(source: string, fields: readonly string[] = FIELDS, booleans: readonly string[] = BOOLEANS): (obj: Record<string, unknown>) => boolean {
  const compiled = compileMatch(source, fields, booleans);
  if (!compiled.ok) throw new Error(`${source}: ${compiled.error.message} at ${compiled.error.position}`);
  return compiled.evaluate;
}

function err(source: string, fields: readonly string[] = FIELDS, booleans: readonly string[] = BOOLEANS) {
  const compiled: CompiledMatch = compileMatch(source, fields, booleans);
  if (compiled.ok) throw new Error(`${source}: compiled, expected an error`);
  return compiled.error;
}

describe('evaluation', () => {
  test.each([
    ['database.type == "mysql"', true],
    ["database.type == 'postgresql'", false],
    ['database.type != "mysql"', false],
    ['systemuser.shell != "/bin/bash" and account.type in ["COMPANY","STAFF"]', true],
    ['systemuser.shell != "/bin/bash" and account.type in ["STAFF"]', false],
    ['account.type not in ["STAFF", "INDIVIDUAL"]', true],
    ['"www" in systemuser.groups', true],
    ['"mail" not in systemuser.groups', true],
    ['"sql" in database.type', true],
    ['database.size > 5 and database.size <= 10', true],
    ['database.size < 10', false],
    ['database.size >= 10.0', true],
    ['database.size > "5"', false],
    ['database.type < "n"', true],
    ['not database.type == "pgsql"', true],
    ['not not systemuser.isActive', true],
    ['systemuser.isActive', true],
    ['systemuser.isActive == True', true],
    ['database.type == "x" or (account.type == "COMPANY" and not (database.size == 1))', true],
    ['database.name == "it\'s"', true],
    ["database.name == 'it\\'s'", true],
    ['database.size == "10"', false],
    ['database.size == -1 or database.size != -1', true],
    ['null == null', true],
    ['[] == []', true],
    ['true', true],
    ['false or false', false],
    ['systemuser.groups == ["www", "ftp"]', true],
  ])('%s → %s', (source, expected) => {
    expect(ok(source)(OBJ)).toBe(expected);
  });

  test('an empty expression always matches', () => {
    expect(ok('')({})).toBe(true);
    expect(ok('   \n ')({})).toBe(true);
  });

  test('a missing field is null; only the boolean true is true', () => {
    expect(ok('database.type == null')({})).toBe(true);
    expect(ok('systemuser.isActive')({ systemuser: { isActive: 'true' } })).toBe(false);
    expect(ok('not systemuser.isActive')({ systemuser: { isActive: 1 } })).toBe(true);
    expect(ok('database.size > 1')({ database: null })).toBe(false);
  });

  test('only own properties of plain objects are read', () => {
    const proto = { type: 'mysql' };
    const inherited = Object.create(proto) as Record<string, unknown>;
    expect(ok('database.type == "mysql"')({ database: inherited })).toBe(false);
    class Weird {
      type = 'mysql';
    }
    expect(ok('database.type == "mysql"')({ database: new Weird() })).toBe(false);
    expect(ok('database.type == null')({ database: { type: () => 'mysql' } })).toBe(true);
    expect(ok('database.type == null')({ database: { type: new Date() } })).toBe(true);
  });
});

describe('errors', () => {
  test('unknown fields are compile-time errors with their position', () => {
    const e = err('database.type == "mysql" and database.owner == "x"');
    expect(e.message).toMatch(/unknown field "database.owner"/);
    expect(e.position).toBe(29);
    expect(err('database == "x"').message).toMatch(/unknown field "database"/);
  });

  test.each([
    ['database.type = "mysql"', /"=" is not an operator/, 14],
    ['database.type == ', /unexpected end/, 17],
    ['(database.type == "mysql"', /expected "\)"/, 25],
    ['database.type == "mysql', /unterminated string/, 17],
    ['database.type == "a\\x"', /unknown escape/, 19],
    ['database.size == 1.2.3', /malformed number/, 17],
    ['database.size == 1 == 1', /cannot be chained/, 19],
    ['account.type in [account.type]', /only literals/, 17],
    ['account.type in ["a" "b"]', /expected "," or "\]"/, 21],
    ['database.type == "x" and', /unexpected end/, 24],
    ['and', /unexpected "and"/, 0],
    ['database.type == "x")', /unexpected "\)"/, 20],
    ['database.', /expected a field name/, 9],
    ['database.type == "x" ; 1', /unexpected character ";"/, 21],
  ])('%s', (source, message, position) => {
    const e = err(source);
    expect(e.message).toMatch(message);
    expect(e.position).toBe(position);
  });

  test('length and nesting are limited', () => {
    expect(err(`database.type == "${'x'.repeat(1000)}"`).message).toMatch(/longer than 1000/);
    const deep = '('.repeat(MATCH_MAX_DEPTH + 1) + 'true' + ')'.repeat(MATCH_MAX_DEPTH + 1);
    expect(err(deep).message).toMatch(/nested more than/);
    expect(ok('('.repeat(MATCH_MAX_DEPTH) + 'true' + ')'.repeat(MATCH_MAX_DEPTH))({})).toBe(true);
    expect(err('not '.repeat(40) + 'true').message).toMatch(/nested more than/);
    expect(err('['.repeat(3) + ']]]').message).toMatch(/only literals/);
  });

  test('a non-string source is an error, not an exception', () => {
    expect(compileMatch(42 as unknown as string, FIELDS).ok).toBe(false);
  });
});

describe('an expression must be a condition', () => {
  test.each([
    ["' ; touch /tmp/x ; '", /the value " ; touch \/tmp\/x ; " is not a condition/, 0],
    ['"true"', /the value "true" is not a condition/, 0],
    ['1', /the value 1 is not a condition/, 0],
    ['null', /the value null is not a condition/, 0],
    ['None', /the value null is not a condition/, 0],
    ['["a"]', /a list is not a condition/, 0],
    ['database.type', /the field "database.type" is not a condition/, 0],
    ['(database.size)', /the field "database.size" is not a condition/, 1],
    ['not "x"', /the value "x" is not a condition/, 4],
    ['database.type == "mysql" and "x"', /the value "x" is not a condition/, 29],
    ['"x" or database.type == "mysql"', /the value "x" is not a condition/, 0],
    ['systemuser.isActive and account.type', /the field "account.type" is not a condition/, 24],
    ['not not 0', /the value 0 is not a condition/, 8],
  ])('%s', (source, message, position) => {
    const e = err(source);
    expect(e.message).toMatch(message);
    expect(e.position).toBe(position);
  });

  test.each([
    'true', 'False', 'systemuser.isActive', 'not systemuser.isActive', '(systemuser.isActive) and true', 'database.type == "x" or not (database.size > 1)',
    '"www" in systemuser.groups', 'null == null',
  ])('%s is one', (source) => {
    expect(compileMatch(source, FIELDS, BOOLEANS).ok).toBe(true);
  });

  test('only the backends\' boolean fields are conditions on their own', () => {
    const users = getBackend('system-users');
    expect(compileMatch('systemuser.isMain and not systemuser.isActive', users.matchFields, users.booleanMatchFields).ok).toBe(true);
    expect(compileMatch('systemuser.shell', users.matchFields, users.booleanMatchFields).ok).toBe(false);
    const crontabs = getBackend('crontabs');
    expect(compileMatch('not crontab.isActive', crontabs.matchFields, crontabs.booleanMatchFields).ok).toBe(true);
    expect(compileMatch('crontab.systemUsername', crontabs.matchFields, crontabs.booleanMatchFields).ok).toBe(false);
  });
});

describe('injection attempts are rejected at compile time', () => {
  const attempts: [string, RegExp][] = [
    ['process.exit()', /unknown field "process.exit"|function calls/],
    ['database.type.constructor', /"constructor" is not a field/],
    ['database.__proto__ == null', /"__proto__" is not a field/],
    ['__proto__.polluted == 1', /"__proto__" is not a field/],
    ['constructor.constructor("return process")()', /function calls are not allowed/],
    ['database.type.prototype', /"prototype" is not a field/],
    ['database.type == `mysql`', /unexpected character "`"/],
    // eslint-disable-next-line no-template-curly-in-string -- the literal text is the attack
    ['`${process.exit()}`', /unexpected character "`"/],
    ['database["type"] == "mysql"', /indexing is not allowed/],
    ['database.type.toString() == "mysql"', /unknown field|function calls/],
    ['require("child_process")', /function calls are not allowed/],
    ['eval("1")', /function calls are not allowed/],
    ['eval', /unknown field "eval"/],
    ['database.type == "mysql"; process.exit(1)', /unexpected character ";"/],
    ['database.type == "mysql" || true', /unexpected character "\|"/],
    ['this.constructor', /"constructor" is not a field|unknown field/],
    ['globalThis.process', /unknown field "globalThis.process"/],
    ['database.type + "x"', /unexpected character "\+"/],
    ['lambda: 1', /unknown field "lambda"|unexpected character ":"/],
    ['__import__("os").system("id")', /unknown field|function calls/],
  ];
  test.each(attempts)('%s', (source, message) => {
    const fields = [...FIELDS, 'database.__proto__', 'constructor.constructor', 'database.type.constructor', 'database.type.prototype'];
    expect(err(source, fields).message).toMatch(message);
  });

  test('evaluating never touches prototypes even when the object was polluted by the caller', () => {
    const evaluate = ok('database.type == "mysql"');
    const obj = JSON.parse('{"database": {"__proto__": {"type": "mysql"}}}') as Record<string, unknown>;
    expect(evaluate(obj)).toBe(false);
    expect(({} as Record<string, unknown>).type).toBeUndefined();
  });
});

describe('with the registry', () => {
  test('fields of the system users backend', () => {
    const users = getBackend('system-users');
    const evaluate = ok('systemuser.shell != "/bin/bash" and account.type in ["COMPANY", "STAFF"]', users.matchFields);
    const snapshot = users.snapshot({
      username: 'alice', passwordHash: null, shell: '/dev/null', isActive: true, isMain: true,
      account: { username: 'alice', isActive: true, type: 'STAFF' },
    });
    expect(evaluate(users.matchContext(snapshot))).toBe(true);
    expect(fieldsOf('SystemUser')).toEqual([...users.matchFields].sort());
    expect(err('systemuser.password == "x"', fieldsOf('SystemUser')).message).toMatch(/unknown field/);
    expect(fieldsOf('Nothing')).toEqual([]);
  });
});
