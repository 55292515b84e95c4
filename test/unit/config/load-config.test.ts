import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { formatProblem, loadConfig, MAX_FILE_BYTES } from '../../../src/config/index.ts';
import { configOf, FIXTURE_ENV, VALID_TENANT } from './fixture-support.ts';

describe('loadConfig reading files', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'm365-health-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const problemsOf = async (file: string): Promise<string[]> => {
    const result = await loadConfig(file, FIXTURE_ENV);
    assert.equal(result.ok, false);
    return result.ok ? [] : result.problems.map((p) => formatProblem({ ...p, file: basename(p.file) }));
  };

  test('a missing file or a directory is a problem, not a rejection', async () => {
    assert.deepEqual(await problemsOf(join(dir, 'absent.yaml')), [
      'absent.yaml: cannot read the config file: no such file',
    ]);
    assert.deepEqual(await problemsOf(dir), [`${basename(dir)}: cannot read the config file: it is a directory`]);
  });

  test('a file over 1 MiB is refused without reading it all', async () => {
    const big = join(dir, 'big.yaml');
    await writeFile(big, `${VALID_TENANT}#${'x'.repeat(MAX_FILE_BYTES)}\n`);
    assert.deepEqual(await problemsOf(big), ['big.yaml: cannot read the config file: larger than 1 MiB']);
    if (process.platform === 'linux') {
      assert.deepEqual(await problemsOf('/dev/zero'), [
        'zero: cannot read the config file: a character device, not a regular file',
      ]);
    }
  });

  test('a file of exactly 1 MiB is read', async () => {
    const file = join(dir, 'exact.yaml');
    const text = `${VALID_TENANT}#`;
    await writeFile(file, text.padEnd(MAX_FILE_BYTES - 1, 'x') + '\n');
    assert.equal((await loadConfig(file, FIXTURE_ENV)).ok, true);
  });

  test('text that is not UTF-8 is a problem; a byte order mark is not', async () => {
    const latin1 = join(dir, 'latin1.yaml');
    await writeFile(
      latin1,
      Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from(`\n${VALID_TENANT}`)]),
    );
    assert.deepEqual(await problemsOf(latin1), ['latin1.yaml: cannot read the config file: not valid UTF-8 text']);
    const bom = join(dir, 'bom.yaml');
    await writeFile(bom, `\ufeff${VALID_TENANT}`);
    assert.equal((await loadConfig(bom, FIXTURE_ENV)).ok, true);
  });

  test('${file:…} and state.dir start from the config file directory; a referenced file is bounded too', async () => {
    await mkdir(join(dir, 'secrets'), { recursive: true });
    await writeFile(join(dir, 'secrets', 'contoso'), 'from-a-file\n');
    const file = join(dir, 'files.yaml');
    const tenant = VALID_TENANT.replace('${env:CONTOSO_CLIENT_SECRET}', '${file:secrets/contoso}');
    await writeFile(file, `state:\n  dir: ./state\n${tenant}`);
    const config = configOf(await loadConfig(file, {}));
    assert.equal(config.tenants[0]?.clientSecret?.reveal(), 'from-a-file');
    assert.equal(config.stateDir, join(dir, 'state'));

    await writeFile(join(dir, 'secrets', 'huge'), 'x'.repeat(MAX_FILE_BYTES + 1));
    await writeFile(file, VALID_TENANT.replace('${env:CONTOSO_CLIENT_SECRET}', '${file:secrets/huge}'));
    assert.deepEqual(await problemsOf(file), [
      `files.yaml:5:20: tenants[0].client_secret: cannot read file "${join(dir, 'secrets', 'huge')}": larger than 1 MiB`,
    ]);
  });
});
