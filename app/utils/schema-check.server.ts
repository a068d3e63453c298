import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

// Compares prisma/schema.prisma (the model of record) with a migrated PostgreSQL database, so the
// hand-written migrations and the schema cannot drift apart unnoticed. It reads the subset of the
// Prisma schema language this project uses: models, enums, scalar fields with native @db types,
// optional and list fields, @id/@@id, @unique/@@unique, @@index, @default, @updatedAt, @map/@@map
// and @relation (for foreign keys). What schema.prisma cannot express — CHECK constraints,
// triggers, partial and expression indexes — is left to the migrations and not reported.

// ---------------------------------------------------------------------------------------------
// The parsed schema

export interface SchemaAttribute {
  name: string;
  /** Raw text between the parentheses, or null when the attribute has none. */
  args: string | null;
}

export interface SchemaField {
  name: string;
  column: string;
  type: string;
  isList: boolean;
  isOptional: boolean;
  attributes: SchemaAttribute[];
}

export interface SchemaIndex {
  name: string;
  columns: string[];
  unique: boolean;
}

export interface SchemaForeignKey {
  name: string;
  columns: string[];
  referencedModel: string;
  referencedFields: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}

export type ReferentialAction = 'Cascade' | 'Restrict' | 'NoAction' | 'SetNull' | 'SetDefault';

export interface SchemaModel {
  name: string;
  table: string;
  fields: SchemaField[];
  blockAttributes: SchemaAttribute[];
}

export interface SchemaEnum {
  name: string;
  dbName: string;
  values: string[];
}

export interface ParsedSchema {
  models: SchemaModel[];
  enums: SchemaEnum[];
}

const SCALAR_TYPES = new Set(['String', 'Boolean', 'Int', 'BigInt', 'Float', 'Decimal', 'DateTime', 'Json', 'Bytes']);
// Prisma fills these in the client; the column itself has no default.
const CLIENT_SIDE_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']);
const POSTGRES_MAX_IDENTIFIER = 63;

/** Removes `//` comments, leaving string literals alone. */
function stripComment(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"' && line[i - 1] !== '\\') inString = !inString;
    if (!inString && c === '/' && line[i + 1] === '/') return line.slice(0, i);
  }
  return line;
}

/** Reads `@name(args) @other …` (or `@@name(…)`) into a list, keeping nested parentheses whole. */
export function parseAttributes(text: string, prefix: '@' | '@@' = '@'): SchemaAttribute[] {
  const attributes: SchemaAttribute[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      // Skip string literals: an "@" inside one is not an attribute.
      i++;
      while (i < text.length && !(text[i] === '"' && text[i - 1] !== '\\')) i++;
      i++;
      continue;
    }
    if (text[i] !== '@') {
      i++;
      continue;
    }
    i += prefix.length;
    const nameMatch = /^[\w.]+/.exec(text.slice(i));
    if (!nameMatch) continue;
    const name = nameMatch[0];
    i += name.length;
    let args: string | null = null;
    let j = i;
    while (text[j] === ' ') j++;
    if (text[j] === '(') {
      let depth = 0;
      let inString = false;
      let k = j;
      for (; k < text.length; k++) {
        const c = text[k];
        if (c === '"' && text[k - 1] !== '\\') inString = !inString;
        if (inString) continue;
        if (c === '(') depth++;
        if (c === ')' && --depth === 0) break;
      }
      args = text.slice(j + 1, k).trim();
      i = k + 1;
    }
    attributes.push({ name, args });
  }
  return attributes;
}

/** Splits on commas that are not inside brackets, parentheses or strings. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' && text[i - 1] !== '\\') inString = !inString;
    if (!inString) {
      if (c === '(' || c === '[') depth++;
      if (c === ')' || c === ']') depth--;
      if (c === ',' && depth === 0) {
        parts.push(current.trim());
        current = '';
        continue;
      }
    }
    current += c;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** `[a, b(sort: Desc)], map: "x"` → { positional: ['[a, b(sort: Desc)]'], named: { map: '"x"' } } */
function parseArgs(args: string | null): { positional: string[]; named: Record<string, string> } {
  const positional: string[] = [];
  const named: Record<string, string> = {};
  for (const part of splitTopLevel(args ?? '')) {
    const m = /^(\w+)\s*:\s*([\s\S]+)$/.exec(part);
    if (m && !part.startsWith('[') && !part.startsWith('"')) named[m[1]!] = m[2]!.trim();
    else positional.push(part);
  }
  return { positional, named };
}

function unquote(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const m = /^"((?:[^"\\]|\\.)*)"$/.exec(value.trim());
  return m ? m[1] : value.trim();
}

/** `[a, b(sort: Desc)]` → ['a', 'b'] */
function parseFieldList(value: string | undefined): string[] {
  if (!value) return [];
  const inner = value.trim().replace(/^\[/, '').replace(/\]$/, '');
  return splitTopLevel(inner)
    .map((part) => /^\w+/.exec(part)?.[0])
    .filter((name): name is string => Boolean(name));
}

export function parsePrismaSchema(text: string): ParsedSchema {
  const models: SchemaModel[] = [];
  const enums: SchemaEnum[] = [];
  const lines = text.split(/\r?\n/).map((l) => stripComment(l).trim());
  for (let i = 0; i < lines.length; i++) {
    const header = /^(model|enum|view|type|generator|datasource)\s+(\w+)\s*\{$/.exec(lines[i]!);
    if (!header) continue;
    const [, kind, name] = header as unknown as [string, string, string];
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '}'; i++) if (lines[i]) body.push(lines[i]!);
    if (kind === 'enum') {
      const values: string[] = [];
      let dbName = name;
      for (const line of body) {
        if (line.startsWith('@@')) {
          const map = parseAttributes(line, '@@').find((a) => a.name === 'map');
          if (map) dbName = unquote(parseArgs(map.args).positional[0]) ?? name;
          continue;
        }
        const m = /^(\w+)(.*)$/.exec(line);
        if (!m) continue;
        const mapped = parseAttributes(m[2]!).find((a) => a.name === 'map');
        values.push(mapped ? (unquote(parseArgs(mapped.args).positional[0]) ?? m[1]!) : m[1]!);
      }
      enums.push({ name, dbName, values });
    }
    if (kind === 'model') {
      const fields: SchemaField[] = [];
      const blockAttributes: SchemaAttribute[] = [];
      for (const line of body) {
        if (line.startsWith('@@')) {
          blockAttributes.push(...parseAttributes(line, '@@'));
          continue;
        }
        const m = /^(\w+)\s+(\w+(?:\([^)]*\))?)(\[\])?(\?)?\s*(.*)$/.exec(line);
        if (!m) continue;
        const attributes = parseAttributes(m[5] ?? '');
        const map = attributes.find((a) => a.name === 'map');
        fields.push({
          name: m[1]!,
          column: map ? (unquote(parseArgs(map.args).positional[0]) ?? m[1]!) : m[1]!,
          type: m[2]!,
          isList: Boolean(m[3]),
          isOptional: Boolean(m[4]),
          attributes,
        });
      }
      const tableMap = blockAttributes.find((a) => a.name === 'map');
      models.push({
        name,
        table: tableMap ? (unquote(parseArgs(tableMap.args).positional[0]) ?? name) : name,
        fields,
        blockAttributes,
      });
    }
  }
  return { models, enums };
}

// ---------------------------------------------------------------------------------------------
// What the schema expects in PostgreSQL

interface ExpectedColumn {
  field: string;
  column: string;
  /** As pg's format_type() writes it; null when the schema cannot say (Unsupported). */
  type: string | null;
  nullable: boolean;
  hasDefault: boolean;
}

function nativeType(field: SchemaField): SchemaAttribute | undefined {
  return field.attributes.find((a) => a.name.startsWith('db.'));
}

function expectedType(field: SchemaField, enumsByName: Map<string, SchemaEnum>): string | null {
  const native = nativeType(field);
  const nativeName = native?.name.slice(3);
  const nativeArgs = native?.args ? splitTopLevel(native.args) : [];
  let base: string | null;
  const enumType = enumsByName.get(field.type);
  if (enumType) base = enumType.dbName;
  else if (nativeName) {
    const n = nativeArgs.join(',');
    const fixed: Record<string, string> = {
      Uuid: 'uuid',
      Text: 'text',
      Citext: 'citext',
      Inet: 'inet',
      Xml: 'xml',
      Integer: 'integer',
      SmallInt: 'smallint',
      BigInt: 'bigint',
      Oid: 'oid',
      Real: 'real',
      DoublePrecision: 'double precision',
      Money: 'money',
      Boolean: 'boolean',
      Date: 'date',
      Json: 'json',
      JsonB: 'jsonb',
      ByteA: 'bytea',
    };
    const sized: Record<string, (args: string) => string> = {
      Char: (a) => `character(${a || '1'})`,
      VarChar: (a) => (a ? `character varying(${a})` : 'character varying'),
      Bit: (a) => `bit(${a || '1'})`,
      VarBit: (a) => (a ? `bit varying(${a})` : 'bit varying'),
      Decimal: (a) => (a ? `numeric(${a})` : 'numeric'),
      Timestamptz: (a) => (a ? `timestamp(${a}) with time zone` : 'timestamp with time zone'),
      Timestamp: (a) => (a ? `timestamp(${a}) without time zone` : 'timestamp without time zone'),
      Time: (a) => (a ? `time(${a}) without time zone` : 'time without time zone'),
      Timetz: (a) => (a ? `time(${a}) with time zone` : 'time with time zone'),
    };
    base = fixed[nativeName] ?? sized[nativeName]?.(n) ?? null;
  } else {
    const defaults: Record<string, string> = {
      String: 'text',
      Boolean: 'boolean',
      Int: 'integer',
      BigInt: 'bigint',
      Float: 'double precision',
      Decimal: 'numeric(65,30)',
      DateTime: 'timestamp(3) without time zone',
      Json: 'jsonb',
      Bytes: 'bytea',
    };
    base = defaults[field.type] ?? null;
  }
  return base && field.isList ? `${base}[]` : base;
}

function isColumnField(field: SchemaField, enumsByName: Map<string, SchemaEnum>): boolean {
  return SCALAR_TYPES.has(field.type) || enumsByName.has(field.type) || field.type.startsWith('Unsupported(');
}

function expectedDefault(field: SchemaField): boolean {
  const def = field.attributes.find((a) => a.name === 'default');
  if (!def) return false;
  const fn = /^(\w+)\s*\(/.exec(def.args ?? '')?.[1];
  return !(fn && CLIENT_SIDE_DEFAULTS.has(fn));
}

function constraintName(table: string, columns: string[], suffix: string): string {
  return `${table}_${columns.join('_')}_${suffix}`.slice(0, POSTGRES_MAX_IDENTIFIER);
}

interface ExpectedModel {
  model: SchemaModel;
  columns: ExpectedColumn[];
  primaryKey: { name: string; columns: string[] } | null;
  indexes: SchemaIndex[];
  foreignKeys: Array<SchemaForeignKey & { referencedTable: string; referencedColumns: string[] }>;
}

function expectModel(model: SchemaModel, schema: ParsedSchema, enumsByName: Map<string, SchemaEnum>): ExpectedModel {
  const columnOf = new Map(model.fields.map((f) => [f.name, f.column]));
  const toColumns = (names: string[]) => names.map((n) => columnOf.get(n) ?? n);
  const columns = model.fields
    .filter((f) => isColumnField(f, enumsByName))
    .map((f) => ({
      field: f.name,
      column: f.column,
      type: expectedType(f, enumsByName),
      nullable: f.isOptional,
      hasDefault: expectedDefault(f),
    }));

  let primaryKey: ExpectedModel['primaryKey'] = null;
  const idField = model.fields.find((f) => f.attributes.some((a) => a.name === 'id'));
  const blockId = model.blockAttributes.find((a) => a.name === 'id');
  if (idField) {
    const map = unquote(parseArgs(idField.attributes.find((a) => a.name === 'id')!.args).named.map);
    primaryKey = { name: map ?? `${model.table}_pkey`, columns: [idField.column] };
  } else if (blockId) {
    const args = parseArgs(blockId.args);
    primaryKey = {
      name: unquote(args.named.map) ?? `${model.table}_pkey`,
      columns: toColumns(parseFieldList(args.positional[0] ?? args.named.fields)),
    };
  }

  const indexes: SchemaIndex[] = [];
  for (const field of model.fields) {
    const unique = field.attributes.find((a) => a.name === 'unique');
    if (unique) {
      const map = unquote(parseArgs(unique.args).named.map);
      indexes.push({ name: map ?? constraintName(model.table, [field.column], 'key'), columns: [field.column], unique: true });
    }
  }
  for (const attr of model.blockAttributes) {
    if (attr.name !== 'unique' && attr.name !== 'index') continue;
    const args = parseArgs(attr.args);
    const cols = toColumns(parseFieldList(args.positional[0] ?? args.named.fields));
    const unique = attr.name === 'unique';
    indexes.push({
      name: unquote(args.named.map) ?? constraintName(model.table, cols, unique ? 'key' : 'idx'),
      columns: cols,
      unique,
    });
  }

  const foreignKeys: ExpectedModel['foreignKeys'] = [];
  for (const field of model.fields) {
    const relation = field.attributes.find((a) => a.name === 'relation');
    if (!relation) continue;
    const args = parseArgs(relation.args);
    const fields = parseFieldList(args.named.fields);
    if (fields.length === 0) continue; // the other side of the relation holds no column
    const target = schema.models.find((m) => m.name === field.type);
    const targetColumns = new Map(target?.fields.map((f) => [f.name, f.column]) ?? []);
    const references = parseFieldList(args.named.references);
    const anyOptional = fields.some((f) => model.fields.find((mf) => mf.name === f)?.isOptional);
    const cols = toColumns(fields);
    foreignKeys.push({
      name: unquote(args.named.map) ?? constraintName(model.table, cols, 'fkey'),
      columns: cols,
      referencedModel: field.type,
      referencedFields: references,
      referencedTable: target?.table ?? field.type,
      referencedColumns: references.map((r) => targetColumns.get(r) ?? r),
      onDelete: (args.named.onDelete as ReferentialAction | undefined) ?? (anyOptional ? 'SetNull' : 'Restrict'),
      onUpdate: (args.named.onUpdate as ReferentialAction | undefined) ?? 'Cascade',
    });
  }
  return { model, columns, primaryKey, indexes, foreignKeys };
}

// ---------------------------------------------------------------------------------------------
// What the database has

export interface DatabaseColumn {
  table: string;
  column: string;
  type: string;
  notNull: boolean;
  hasDefault: boolean;
}

export interface DatabaseIndex {
  table: string;
  name: string;
  columns: string[];
  unique: boolean;
  primary: boolean;
  /** Partial or expression index: beyond what schema.prisma can say. */
  beyondSchema: boolean;
}

export interface DatabaseForeignKey {
  table: string;
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}

export interface DatabaseSnapshot {
  tables: string[];
  columns: DatabaseColumn[];
  enums: Array<{ name: string; values: string[] }>;
  indexes: DatabaseIndex[];
  foreignKeys: DatabaseForeignKey[];
}

const IGNORED_TABLES = new Set(['_prisma_migrations']);

const PG_ACTIONS: Record<string, ReferentialAction> = {
  a: 'NoAction',
  r: 'Restrict',
  c: 'Cascade',
  n: 'SetNull',
  d: 'SetDefault',
};

export async function readDatabaseSnapshot(client: pg.ClientBase): Promise<DatabaseSnapshot> {
  const tables = await client.query<{ name: string }>(`
    SELECT c.relname AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
    ORDER BY c.relname`);
  const columns = await client.query<{ table: string; column: string; type: string; not_null: boolean; has_default: boolean }>(`
    SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
           a.attnotnull AS not_null, (a.atthasdef OR a.attidentity <> '') AS has_default
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY c.relname, a.attnum`);
  const enums = await client.query<{ name: string; values: string[] }>(`
    SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
    FROM pg_type t
    JOIN pg_enum e ON e.enumtypid = t.oid
    JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = current_schema()
    GROUP BY t.typname
    ORDER BY t.typname`);
  const indexes = await client.query<{
    table: string;
    name: string;
    columns: string[];
    unique: boolean;
    primary: boolean;
    beyond_schema: boolean;
  }>(`
    SELECT t.relname AS table, i.relname AS name, ix.indisunique AS unique, ix.indisprimary AS primary,
           (ix.indpred IS NOT NULL OR ix.indexprs IS NOT NULL) AS beyond_schema,
           ARRAY(
             SELECT a.attname::text FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
             ORDER BY k.ord
           ) AS columns
    FROM pg_index ix
    JOIN pg_class i ON i.oid = ix.indexrelid
    JOIN pg_class t ON t.oid = ix.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p')
    ORDER BY t.relname, i.relname`);
  const foreignKeys = await client.query<{
    table: string;
    name: string;
    columns: string[];
    referenced_table: string;
    referenced_columns: string[];
    on_delete: string;
    on_update: string;
  }>(`
    SELECT t.relname AS table, con.conname AS name, ft.relname AS referenced_table,
           con.confdeltype AS on_delete, con.confupdtype AS on_update,
           ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
           ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS referenced_columns
    FROM pg_constraint con
    JOIN pg_class t ON t.oid = con.conrelid
    JOIN pg_class ft ON ft.oid = con.confrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = current_schema() AND con.contype = 'f'
    ORDER BY t.relname, con.conname`);
  return {
    tables: tables.rows.map((r) => r.name),
    columns: columns.rows.map((r) => ({
      table: r.table,
      column: r.column,
      // format_type quotes mixed-case type names ("Role"); the schema names them bare.
      type: r.type.replace(/"/g, ''),
      notNull: r.not_null,
      hasDefault: r.has_default,
    })),
    enums: enums.rows,
    indexes: indexes.rows.map((r) => ({
      table: r.table,
      name: r.name,
      columns: r.columns,
      unique: r.unique,
      primary: r.primary,
      beyondSchema: r.beyond_schema,
    })),
    foreignKeys: foreignKeys.rows.map((r) => ({
      table: r.table,
      name: r.name,
      columns: r.columns,
      referencedTable: r.referenced_table,
      referencedColumns: r.referenced_columns,
      onDelete: PG_ACTIONS[r.on_delete] ?? 'NoAction',
      onUpdate: PG_ACTIONS[r.on_update] ?? 'NoAction',
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// The comparison

const describeColumn = (type: string | null, nullable: boolean) =>
  nullable ? `nullable ${type ?? 'column'}` : `${type ?? 'column'} NOT NULL`;
const list = (columns: string[]) => `(${columns.join(', ')})`;
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);
const indexKind = (unique: boolean) => (unique ? 'unique index' : 'index');
const withArticle = (noun: string) => (noun === 'index' ? 'an index' : `a ${noun}`);

/** Every way the database differs from the schema, as sentences a developer can act on. */
export function compareSchema(schema: ParsedSchema, db: DatabaseSnapshot): string[] {
  const differences: string[] = [];
  const enumsByName = new Map(schema.enums.map((e) => [e.name, e]));

  const dbEnums = new Map(db.enums.map((e) => [e.name, e.values]));
  for (const e of schema.enums) {
    const values = dbEnums.get(e.dbName);
    if (!values) {
      differences.push(`enum ${e.dbName}: missing in the database`);
      continue;
    }
    for (const v of e.values) if (!values.includes(v)) differences.push(`enum ${e.dbName}: value ${v} missing in the database`);
    for (const v of values) if (!e.values.includes(v)) differences.push(`enum ${e.dbName}: value ${v} in the database but not in schema.prisma`);
    if (e.values.length === values.length && e.values.every((v) => values.includes(v)) && !sameList(e.values, values)) {
      differences.push(`enum ${e.dbName}: values in a different order (schema.prisma: ${e.values.join(', ')}; database: ${values.join(', ')})`);
    }
  }
  const schemaEnumNames = new Set(schema.enums.map((e) => e.dbName));
  for (const e of db.enums) if (!schemaEnumNames.has(e.name)) differences.push(`enum ${e.name}: in the database but not in schema.prisma`);

  const dbTables = new Set(db.tables);
  for (const model of schema.models) {
    const expected = expectModel(model, schema, enumsByName);
    const table = model.table;
    const label = model.name;
    if (!dbTables.has(table)) {
      differences.push(`${label}: table "${table}" missing in the database`);
      continue;
    }

    const dbColumns = new Map(db.columns.filter((c) => c.table === table).map((c) => [c.column, c]));
    for (const col of expected.columns) {
      const actual = dbColumns.get(col.column);
      const where = `${label}.${col.field}`;
      if (!actual) {
        differences.push(`${where}: column missing in the database`);
        continue;
      }
      const typeDiffers = col.type !== null && col.type !== actual.type;
      if (typeDiffers || col.nullable === actual.notNull) {
        differences.push(
          `${where}: schema says ${describeColumn(col.type, col.nullable)}, database has ${describeColumn(actual.type, !actual.notNull)}`,
        );
      }
      if (col.hasDefault && !actual.hasDefault) differences.push(`${where}: schema.prisma declares a default, the database column has none`);
      if (!col.hasDefault && actual.hasDefault) differences.push(`${where}: the database column has a default that schema.prisma does not declare`);
    }
    const expectedColumns = new Set(expected.columns.map((c) => c.column));
    for (const actual of dbColumns.values()) {
      if (!expectedColumns.has(actual.column)) differences.push(`${label}.${actual.column}: column in the database but not in schema.prisma`);
    }

    const dbIndexes = db.indexes.filter((i) => i.table === table);
    const primary = dbIndexes.find((i) => i.primary);
    if (expected.primaryKey && !primary) differences.push(`${label}: primary key ${list(expected.primaryKey.columns)} missing in the database`);
    if (!expected.primaryKey && primary) differences.push(`${label}: the database has a primary key ${list(primary.columns)} that schema.prisma does not declare`);
    if (expected.primaryKey && primary) {
      if (!sameList(expected.primaryKey.columns, primary.columns)) {
        differences.push(`${label}: primary key is ${list(expected.primaryKey.columns)} in schema.prisma, ${list(primary.columns)} in the database`);
      } else if (expected.primaryKey.name !== primary.name) {
        differences.push(`${label}: primary key is named ${primary.name} in the database, ${expected.primaryKey.name} expected`);
      }
    }

    const plainDbIndexes = new Map(dbIndexes.filter((i) => !i.primary && !i.beyondSchema).map((i) => [i.name, i]));
    for (const idx of expected.indexes) {
      const actual = plainDbIndexes.get(idx.name);
      if (!actual) {
        differences.push(`${label}: ${indexKind(idx.unique)} ${idx.name} on ${list(idx.columns)} missing in the database`);
        continue;
      }
      if (actual.unique !== idx.unique || !sameList(actual.columns, idx.columns)) {
        differences.push(
          `${label}: ${idx.name} is ${withArticle(indexKind(idx.unique))} on ${list(idx.columns)} in schema.prisma, ${withArticle(indexKind(actual.unique))} on ${list(actual.columns)} in the database`,
        );
      }
    }
    const expectedIndexNames = new Set(expected.indexes.map((i) => i.name));
    for (const actual of plainDbIndexes.values()) {
      if (!expectedIndexNames.has(actual.name)) {
        differences.push(`${label}: ${indexKind(actual.unique)} ${actual.name} on ${list(actual.columns)} in the database but not in schema.prisma`);
      }
    }

    const dbForeignKeys = new Map(db.foreignKeys.filter((f) => f.table === table).map((f) => [f.name, f]));
    for (const fk of expected.foreignKeys) {
      const target = `${fk.referencedTable}${list(fk.referencedColumns)}`;
      const actual = dbForeignKeys.get(fk.name);
      if (!actual) {
        differences.push(`${label}: foreign key ${fk.name} ${list(fk.columns)} → ${target} missing in the database`);
        continue;
      }
      if (!sameList(actual.columns, fk.columns) || actual.referencedTable !== fk.referencedTable || !sameList(actual.referencedColumns, fk.referencedColumns)) {
        differences.push(
          `${label}: foreign key ${fk.name} is ${list(fk.columns)} → ${target} in schema.prisma, ${list(actual.columns)} → ${actual.referencedTable}${list(actual.referencedColumns)} in the database`,
        );
      }
      if (actual.onDelete !== fk.onDelete) differences.push(`${label}: foreign key ${fk.name} is ON DELETE ${fk.onDelete} in schema.prisma, ${actual.onDelete} in the database`);
      if (actual.onUpdate !== fk.onUpdate) differences.push(`${label}: foreign key ${fk.name} is ON UPDATE ${fk.onUpdate} in schema.prisma, ${actual.onUpdate} in the database`);
    }
    const expectedFkNames = new Set(expected.foreignKeys.map((f) => f.name));
    for (const actual of dbForeignKeys.values()) {
      if (!expectedFkNames.has(actual.name)) {
        differences.push(`${label}: foreign key ${actual.name} ${list(actual.columns)} → ${actual.referencedTable} in the database but not in schema.prisma`);
      }
    }
  }

  const modelTables = new Set(schema.models.map((m) => m.table));
  for (const table of db.tables) {
    if (!modelTables.has(table) && !IGNORED_TABLES.has(table)) differences.push(`table "${table}": in the database but not in schema.prisma`);
  }
  return differences;
}

/** Reads schema.prisma and the database at `databaseUrl`, and lists every difference. */
export async function checkSchemaAgainstDatabase(
  databaseUrl: string,
  schemaPath = 'prisma/schema.prisma',
): Promise<{ ok: boolean; differences: string[] }> {
  const schema = parsePrismaSchema(await readFile(path.resolve(process.cwd(), schemaPath), 'utf8'));
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const differences = compareSchema(schema, await readDatabaseSnapshot(client));
    return { ok: differences.length === 0, differences };
  } finally {
    await client.end();
  }
}
