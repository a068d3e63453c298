#!/usr/bin/env node
// Launcher of the `conciliamo` CLI: registers tsx so the TypeScript sources (and the `~/` alias
// of tsconfig.json) load directly, then runs app/cli/main.ts. No build step needed.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

process.env.CONCILIAMO_PROCESS ??= 'cli';
// pino writes to stdout, where it would mix with --json output: quiet unless asked for.
process.env.LOG_LEVEL ??= process.argv.includes('--verbose') ? 'debug' : 'silent';

register({ tsconfig: path.join(root, 'tsconfig.json') });
const { main } = await import(pathToFileURL(path.join(root, 'app/cli/main.ts')).href);
const exitCode = await main(process.argv);
process.exitCode = exitCode;
// Everything is closed by now; if a stray handle (a driver's idle timer) still holds the event
// loop, do not let it keep an admin's terminal or a script waiting.
setTimeout(() => process.exit(exitCode), 2_000).unref();
