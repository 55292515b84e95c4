import { writeFile } from 'node:fs/promises';
import { renderTelemetryDocs } from './render-docs.ts';

const target = new URL('../docs/telemetry.md', import.meta.url);
await writeFile(target, renderTelemetryDocs());
process.stdout.write(`wrote ${target.pathname.split('/').slice(-2).join('/')}\n`);
