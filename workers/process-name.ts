// Imported first by workers/index.ts: the logger reads CONCILIAMO_PROCESS when it loads, and ES
// modules load in import order, so this runs before it.
process.env.CONCILIAMO_PROCESS ??= 'workers';

export {};
