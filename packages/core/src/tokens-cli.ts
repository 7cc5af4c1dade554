#!/usr/bin/env node
import { runTokensCli } from './cli/run-tokens-cli.ts';

process.exitCode = await runTokensCli(process.argv.slice(2));
