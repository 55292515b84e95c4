import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHECK_OPTION_SPECS } from '../../../src/check/check-options.ts';
import { main } from '../../../src/main.ts';
import { captureIo } from '../../helpers/capture-io.ts';

async function run(argv: string[]) {
  const captured = captureIo('/');
  const code = await main(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

/** The options each command's parser takes besides --help, as its help must list them. */
const OPTIONS: Record<string, readonly string[]> = {
  run: ['--config', '--shard', '--once', '--log-level', '--log-format'],
  validate: ['--config'],
  demo: [
    '--otlp-endpoint',
    '--protocol',
    '--interval',
    '--scenario',
    '--port',
    '--status-port',
    '--no-color',
    '--log-level',
    '--log-format',
  ],
  simulate: ['--scenario', '--host', '--port'],
  check: Object.keys(CHECK_OPTION_SPECS).map((name) => `--${name}`),
  'list-services': Object.keys(CHECK_OPTION_SPECS).map((name) => `--${name}`),
};

test('every command answers --help and -h on stdout, exit 0, listing each of its options', async () => {
  for (const [command, options] of Object.entries(OPTIONS)) {
    for (const flag of ['--help', '-h']) {
      const { code, stdout, stderr } = await run([command, flag]);
      assert.deepEqual([code, stderr], [0, ''], `${command} ${flag}`);
      assert.match(stdout, new RegExp(`^m365-health ${command === 'list-services' ? 'check' : command}: `));
      for (const option of options) assert.ok(stdout.includes(option), `${command} --help lacks ${option}`);
    }
  }
});

test('the top-level help lists every command, and says how to get theirs', async () => {
  for (const argv of [['--help'], ['-h'], ['help']]) {
    const { code, stdout } = await run(argv);
    assert.equal(code, 0);
    for (const command of Object.keys(OPTIONS)) assert.ok(stdout.includes(`m365-health ${command} `), command);
    assert.ok(stdout.includes("Run 'm365-health COMMAND --help' for the options of a command."));
  }
});

test('a usage error points at the help of that command', async () => {
  const { code, stderr } = await run(['validate', '--bogus']);
  assert.equal(code, 2);
  assert.match(stderr, /^m365-health validate: .*\nRun 'm365-health validate --help' for usage\.\n$/);
});
