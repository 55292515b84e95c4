/**
 * The simulator in a process of its own, so that its CPU is not counted as the agent's. Prints one JSON line
 * `{"url": …}` once it listens; stops on SIGTERM.
 * Usage: `node bench/simulator-process.ts TENANTS [--vary-answers]` (answers that differ in bytes, not meaning).
 */
import { startSimulator } from '../src/simulator/index.ts';
import { buildBenchScenario } from './scenario.ts';

const tenants = Number(process.argv[2] ?? '1000');
const varyAnswers = process.argv.slice(3).includes('--vary-answers');
const simulator = await startSimulator({ scenario: buildBenchScenario({ tenants }), varyAnswers });
process.stdout.write(`${JSON.stringify({ url: simulator.url })}\n`);
process.once('SIGTERM', () => void simulator.close().then(() => process.exit(0)));
