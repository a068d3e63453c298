#!/usr/bin/env node
// @ts-check
// `prisma generate` without the schema engine: Prisma 7's CLI looks for the schema-engine binary
// at start-up and tries to download it when PRISMA_SCHEMA_ENGINE_BINARY does not name a file.
// Generating the client never runs that engine, so any existing file will do (see
// docs/decisions/0001-services-script.md). Skipped when the client is newer than its inputs.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLog, normalizeLog } from './lib/log.mjs';
import { runChecked } from './lib/proc.mjs';

const DEFAULT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Oldest modification time of the generated client's top-level files, or 0 when there is none.
 * @param {string} dir
 */
function generatedAt(dir) {
  if (!existsSync(path.join(dir, 'client.ts'))) return 0;
  const times = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => statSync(path.join(dir, entry.name)).mtimeMs);
  return times.length ? Math.min(...times) : 0;
}

/**
 * Whether the client must be generated: missing, or older than the schema or the installed Prisma.
 * @param {string} rootDir
 */
export function prismaClientIsStale(rootDir) {
  const generated = generatedAt(path.join(rootDir, 'app/generated/prisma'));
  if (!generated) return true;
  const inputs = [path.join(rootDir, 'prisma/schema.prisma'), path.join(rootDir, 'node_modules/prisma/package.json')];
  return inputs.some((file) => existsSync(file) && statSync(file).mtimeMs > generated);
}

/**
 * @param {{ rootDir?: string, force?: boolean, log?: import('./lib/log.mjs').Log | ((line: string) => void) }} [options]
 * @returns {Promise<boolean>} whether it generated
 */
export async function prismaGenerate({ rootDir = DEFAULT_ROOT, force = false, log } = {}) {
  const out = normalizeLog(log, 'prisma');
  if (!force && !prismaClientIsStale(rootDir)) {
    out.info('Prisma client is up to date (use --force to regenerate)');
    return false;
  }
  const cli = path.join(rootDir, 'node_modules/prisma/build/index.js');
  if (!existsSync(cli)) throw new Error('Prisma CLI not found in node_modules: run `npm install` first.');
  const env = {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1', // no telemetry call home: generation works offline
  };
  if (!existsSync(env.PRISMA_SCHEMA_ENGINE_BINARY)) {
    throw new Error(`PRISMA_SCHEMA_ENGINE_BINARY=${env.PRISMA_SCHEMA_ENGINE_BINARY} does not exist; unset it or point it at an existing file.`);
  }
  out.info('generating the Prisma client');
  await runChecked(process.execPath, [cli, 'generate'], { cwd: rootDir, env });
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--force');
  if (unknown.length) {
    process.stderr.write(`Unknown option ${unknown.join(' ')}\nUsage: node scripts/prisma-generate.mjs [--force]\n`);
    process.exit(2);
  }
  prismaGenerate({ force: args.includes('--force'), log: createLog('prisma') }).then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`[prisma] error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
