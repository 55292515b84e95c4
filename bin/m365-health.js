#!/usr/bin/env node
import { runMain } from '../src/main.ts';

await runMain();
