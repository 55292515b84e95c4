import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { watchConfigSources } from '../../../src/agent/watch-config-files.ts';

async function waitFor(predicate: () => boolean, what: string, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('watching the configuration files', () => {
  let dir: string;
  let outside: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'm365-watch-'));
    outside = await mkdtemp(join(tmpdir(), 'm365-watch-outside-'));
    await mkdir(join(dir, 'tenants.d'));
    await writeFile(join(dir, 'config.yaml'), 'tenants_from: [tenants.d/*.yaml]\n');
    await writeFile(join(dir, 'tenants.d', 'a.yaml'), 'tenants: []\n');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  test('sees edits, files replaced by rename, files added, and directories that appear later', async () => {
    const seen: string[] = [];
    const watch = watchConfigSources(
      {
        files: [join(dir, 'config.yaml'), join(dir, 'tenants.d', 'a.yaml')],
        directories: [
          { path: dir, recursive: false, patterns: [join(dir, 'config.yaml')] },
          { path: join(dir, 'tenants.d'), recursive: false, patterns: [join(dir, 'tenants.d', '*.yaml')] },
          {
            path: join(outside, 'customers', 'eu'),
            recursive: true,
            patterns: [join(outside, 'customers', 'eu', '**', '*.yaml')],
          },
        ],
      },
      (path) => seen.push(path),
    );
    try {
      await writeFile(join(dir, 'config.yaml'), 'tenants_from: [tenants.d/*.yaml, x/*.yaml]\n');
      await waitFor(() => seen.includes(join(dir, 'config.yaml')), 'an edit of the config file');

      await writeFile(join(dir, 'tenants.d', '.a.yaml.tmp'), 'tenants: [1]\n');
      await rename(join(dir, 'tenants.d', '.a.yaml.tmp'), join(dir, 'tenants.d', 'a.yaml'));
      await waitFor(() => seen.includes(join(dir, 'tenants.d', 'a.yaml')), 'a tenants file replaced by rename');

      await writeFile(join(dir, 'tenants.d', 'b.yaml'), 'tenants: []\n');
      await waitFor(() => seen.includes(join(dir, 'tenants.d', 'b.yaml')), 'a new tenants file');

      await mkdir(join(outside, 'customers'));
      await waitFor(() => seen.includes(join(outside, 'customers')), 'the missing directory, through its parent');
    } finally {
      watch.close();
    }
    const count = seen.length;
    // A second watch of the same directory sees the new file: by then the closed one would have seen it too.
    const witness: string[] = [];
    const second = watchConfigSources(
      {
        files: [],
        directories: [{ path: join(dir, 'tenants.d'), recursive: false, patterns: [join(dir, 'tenants.d', '*.yaml')] }],
      },
      (path) => witness.push(path),
    );
    try {
      await writeFile(join(dir, 'tenants.d', 'd.yaml'), 'tenants: []\n');
      await waitFor(() => witness.includes(join(dir, 'tenants.d', 'd.yaml')), 'the new file, through another watch');
    } finally {
      second.close();
    }
    assert.equal(seen.length, count, 'nothing is seen once closed');
  });

  test("a busy file beside the configuration (a log, the agent's own output) is never reported", async () => {
    const seen: string[] = [];
    const sources = {
      files: [join(dir, 'config.yaml')],
      directories: [
        { path: dir, recursive: false, patterns: [join(dir, 'config.yaml'), join(dir, '..data')] },
        { path: join(dir, 'tenants.d'), recursive: false, patterns: [join(dir, 'tenants.d', '*.yaml')] },
      ],
    };
    const watch = watchConfigSources(sources, (path) => seen.push(path));
    let writing = true;
    let writes = 0;
    const busy = (async () => {
      for (let i = 0; writing; i++, writes++) {
        await writeFile(join(dir, 'agent.log'), `line ${i}\n`, { flag: 'a' });
        await writeFile(join(dir, 'tenants.d', 'notes.txt'), `note ${i}\n`);
      }
    })();
    try {
      // Many busy writes first, then one real change: once it is seen, every busy write before it was seen too.
      await waitFor(() => writes >= 50, '50 busy writes');
      await writeFile(join(dir, 'tenants.d', 'e.yaml'), 'tenants: []\n');
      await waitFor(() => seen.includes(join(dir, 'tenants.d', 'e.yaml')), 'the new tenants file');
      writing = false;
      await busy;
      await writeFile(join(dir, '..data'), '');
      await waitFor(() => seen.includes(join(dir, '..data')), 'a ConfigMap link swap');
      assert.deepEqual([...new Set(seen)], [join(dir, 'tenants.d', 'e.yaml'), join(dir, '..data')]);
    } finally {
      writing = false;
      watch.close();
    }
  });
});
