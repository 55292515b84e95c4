import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configOf, formattedProblems, parseText, VALID_TENANT } from './fixture-support.ts';

/** Resource attributes of a file whose `resource` section is `resource`. */
function resourceOf(resource: string, env: Record<string, string> = {}, files: Record<string, string> = {}): unknown {
  const readFile = (path: string): string => {
    const content = files[path];
    if (content === undefined) throw Object.assign(new Error(path), { code: 'ENOENT' });
    return content;
  };
  return configOf(parseText(`resource:\n${resource}\n${VALID_TENANT}`, env, readFile)).resource;
}

describe('${env:…} and ${file:…} expansion', () => {
  test('replaces environment references anywhere in a string', () => {
    assert.deepEqual(resourceOf('  a: ${env:A}\n  b: x-${env:A}-${env:B}-y', { A: 'one', B: 'two' }), {
      a: 'one',
      b: 'x-one-two-y',
    });
  });

  test('reads $$ as a literal $ and leaves other dollars alone', () => {
    const resource = resourceOf('  a: $$100\n  b: $${env:A}\n  c: a$b\n  d: "cost $"\n  e: $$$$', { A: 'one' });
    assert.deepEqual(resource, { a: '$100', b: '${env:A}', c: 'a$b', d: 'cost $', e: '$$' });
  });

  test('reads files relative to the config file, dropping one trailing newline', () => {
    const files = {
      '/etc/m365-health/secrets/a.txt': 'from-a\n',
      '/run/secrets/b': 'from-b\r\n',
      '/etc/m365-health/c.txt': 'two-lines\n\n',
    };
    const resource = resourceOf(
      '  a: ${file:secrets/a.txt}\n  b: ${file:/run/secrets/b}\n  c: ${file:./c.txt}',
      {},
      files,
    );
    assert.deepEqual(resource, { a: 'from-a', b: 'from-b', c: 'two-lines\n' });
  });

  test('never reads expanded text as YAML, nor expands it again', () => {
    const env = { A: '[1, 2]', B: '${env:A}', C: 'x\nenabled: true' };
    assert.deepEqual(resourceOf('  a: ${env:A}\n  b: ${env:B}\n  c: ${env:C}', env), {
      a: '[1, 2]',
      b: '${env:A}',
      c: 'x\nenabled: true',
    });
  });

  test('expands only string values: keys and other scalars stay as written', () => {
    const result = parseText(
      `resource:\n  \${env:A}: v\n${VALID_TENANT}metrics:\n  m365.data.age:\n    enabled: false\n`,
      {
        A: 'k',
      },
    );
    assert.deepEqual(configOf(result).resource, { '${env:A}': 'v' });
  });

  test('an expanded value is checked like a written one', () => {
    const text = `defaults:\n  interval: \${env:POLL}\n${VALID_TENANT}`;
    assert.equal(configOf(parseText(text, { POLL: '10m' })).tenants[0]?.intervalMs, 600_000);
    assert.deepEqual(formattedProblems(parseText(text, { POLL: 'often' })), [
      'config.yaml:2:13: defaults.interval: "often" is not a duration; write a duration such as "30s", "5m" or ' +
        '"1m30s" (units: h, m, s, ms)',
    ]);
  });

  test('an empty variable is a value, an unset one a problem', () => {
    assert.deepEqual(formattedProblems(parseText(VALID_TENANT, { CONTOSO_CLIENT_SECRET: '' })), [
      'config.yaml:5:20: tenants[0].client_secret: must not be empty',
    ]);
    assert.deepEqual(formattedProblems(parseText(VALID_TENANT, { CONTOSO_CLIENT_SECRET: undefined })), [
      'config.yaml:5:20: tenants[0].client_secret: environment variable CONTOSO_CLIENT_SECRET is not set',
    ]);
  });

  test('reports unreadable files by cause', () => {
    const denied = (): string => {
      throw Object.assign(new Error('EACCES: permission denied, open /x'), { code: 'EACCES' });
    };
    const text = `resource:\n  a: \${file:/x}\n  b: \${env:9X}\n  c: \${file:}\n${VALID_TENANT}`;
    assert.deepEqual(formattedProblems(parseText(text, {}, denied)), [
      'config.yaml:2:6: resource.a: cannot read file "/x": permission denied',
      'config.yaml:3:6: resource.b: invalid environment variable name in reference "${env:9X}"; a name is letters, ' +
        'digits and "_", not starting with a digit',
      'config.yaml:4:6: resource.c: unknown reference "${file:}"; use ${env:NAME} or ${file:PATH}, and $$ for a ' +
        'literal $',
    ]);
  });

  test('does not repeat the text of a malformed reference in a secret', () => {
    const text = VALID_TENANT.replace('${env:CONTOSO_CLIENT_SECRET}', 'Xy7Q~abc${oops}def');
    const problems = formattedProblems(parseText(text));
    assert.deepEqual(problems, [
      'config.yaml:5:20: tenants[0].client_secret: unknown reference; use ${env:NAME} or ${file:PATH}, and $$ for ' +
        'a literal $',
    ]);
  });
});
