import { describe, expect, it } from 'vitest';
import { compareSchema, parseAttributes, parsePrismaSchema, type DatabaseSnapshot } from './schema-check.server';

// The parser and the comparison on a schema that uses the mapping features the project's own
// schema does not (yet): @map, @@map, @@id, enum value maps, lists, Decimal, client-side defaults.

const SCHEMA = `
generator client {
  provider = "prisma-client" // a comment
}

/// A documented enum
enum Colour {
  RED
  DARK_BLUE @map("dark-blue")
  @@map("colour")
}

model Shop {
  id        Int      @id @default(autoincrement())
  code      String   @unique(map: "shop_code_unique") @db.VarChar(12)
  homepage  String?  @default("https://example.org/@home") // not an attribute: "@home"
  colours   Colour[]
  price     Decimal  @db.Decimal(10, 2)
  ratio     Float?
  openedAt  DateTime @map("opened_at")
  items     Item[]

  @@map("shops")
  @@index([openedAt(sort: Desc), code], map: "shops_opened_code")
}

model Item {
  shopId  Int
  sku     String    @default(cuid())
  label   String?
  payload Json?
  shop    Shop      @relation(fields: [shopId], references: [id], onDelete: Cascade)
  owner   Shop?     @relation("owner", fields: [ownerId], references: [id])
  ownerId Int?

  @@id([shopId, sku])
  @@unique([label, shopId])
}
`;

function matchingSnapshot(): DatabaseSnapshot {
  return {
    tables: ['shops', 'Item', '_prisma_migrations'],
    columns: [
      { table: 'shops', column: 'id', type: 'integer', notNull: true, hasDefault: true },
      { table: 'shops', column: 'code', type: 'character varying(12)', notNull: true, hasDefault: false },
      { table: 'shops', column: 'homepage', type: 'text', notNull: false, hasDefault: true },
      { table: 'shops', column: 'colours', type: 'colour[]', notNull: true, hasDefault: false },
      { table: 'shops', column: 'price', type: 'numeric(10,2)', notNull: true, hasDefault: false },
      { table: 'shops', column: 'ratio', type: 'double precision', notNull: false, hasDefault: false },
      { table: 'shops', column: 'opened_at', type: 'timestamp(3) without time zone', notNull: true, hasDefault: false },
      { table: 'Item', column: 'shopId', type: 'integer', notNull: true, hasDefault: false },
      { table: 'Item', column: 'sku', type: 'text', notNull: true, hasDefault: false },
      { table: 'Item', column: 'label', type: 'text', notNull: false, hasDefault: false },
      { table: 'Item', column: 'payload', type: 'jsonb', notNull: false, hasDefault: false },
      { table: 'Item', column: 'ownerId', type: 'integer', notNull: false, hasDefault: false },
    ],
    enums: [{ name: 'colour', values: ['RED', 'dark-blue'] }],
    indexes: [
      { table: 'shops', name: 'shops_pkey', columns: ['id'], unique: true, primary: true, beyondSchema: false },
      { table: 'shops', name: 'shop_code_unique', columns: ['code'], unique: true, primary: false, beyondSchema: false },
      { table: 'shops', name: 'shops_opened_code', columns: ['opened_at', 'code'], unique: false, primary: false, beyondSchema: false },
      { table: 'Item', name: 'Item_pkey', columns: ['shopId', 'sku'], unique: true, primary: true, beyondSchema: false },
      { table: 'Item', name: 'Item_label_shopId_key', columns: ['label', 'shopId'], unique: true, primary: false, beyondSchema: false },
      { table: 'Item', name: 'Item_search_idx', columns: [], unique: false, primary: false, beyondSchema: true },
    ],
    foreignKeys: [
      { table: 'Item', name: 'Item_shopId_fkey', columns: ['shopId'], referencedTable: 'shops', referencedColumns: ['id'], onDelete: 'Cascade', onUpdate: 'Cascade' },
      { table: 'Item', name: 'Item_ownerId_fkey', columns: ['ownerId'], referencedTable: 'shops', referencedColumns: ['id'], onDelete: 'SetNull', onUpdate: 'Cascade' },
    ],
  };
}

describe('parsePrismaSchema', () => {
  const schema = parsePrismaSchema(SCHEMA);

  it('reads models with their table and column names', () => {
    expect(schema.models.map((m) => [m.name, m.table])).toEqual([
      ['Shop', 'shops'],
      ['Item', 'Item'],
    ]);
    const shop = schema.models[0]!;
    expect(shop.fields.find((f) => f.name === 'openedAt')?.column).toBe('opened_at');
    expect(shop.fields.find((f) => f.name === 'colours')).toMatchObject({ type: 'Colour', isList: true, isOptional: false });
    expect(shop.fields.find((f) => f.name === 'homepage')?.attributes).toEqual([
      { name: 'default', args: '"https://example.org/@home"' },
    ]);
  });

  it('reads enums with mapped names and values', () => {
    expect(schema.enums).toEqual([{ name: 'Colour', dbName: 'colour', values: ['RED', 'dark-blue'] }]);
  });

  it('reads attributes with nested parentheses', () => {
    expect(parseAttributes('@id @default(dbgenerated("gen_random_uuid()")) @db.Uuid')).toEqual([
      { name: 'id', args: null },
      { name: 'default', args: 'dbgenerated("gen_random_uuid()")' },
      { name: 'db.Uuid', args: null },
    ]);
  });
});

describe('compareSchema', () => {
  const schema = parsePrismaSchema(SCHEMA);

  it('finds nothing when the database matches', () => {
    expect(compareSchema(schema, matchingSnapshot())).toEqual([]);
  });

  it('names each kind of drift', () => {
    const db = matchingSnapshot();
    db.columns = db.columns.filter((c) => c.column !== 'ratio');
    db.columns.find((c) => c.column === 'price')!.type = 'numeric(12,2)';
    db.columns.find((c) => c.column === 'label')!.notNull = true;
    db.columns.find((c) => c.column === 'id')!.hasDefault = false;
    db.enums = [{ name: 'colour', values: ['dark-blue', 'RED'] }];
    db.indexes = db.indexes.filter((i) => i.name !== 'shop_code_unique');
    db.indexes.find((i) => i.name === 'Item_pkey')!.columns = ['sku'];
    db.foreignKeys.find((f) => f.name === 'Item_ownerId_fkey')!.onDelete = 'Restrict';
    db.tables.push('Leftover');
    expect(compareSchema(schema, db)).toEqual([
      'enum colour: values in a different order (schema.prisma: RED, dark-blue; database: dark-blue, RED)',
      'Shop.id: schema.prisma declares a default, the database column has none',
      'Shop.price: schema says numeric(10,2) NOT NULL, database has numeric(12,2) NOT NULL',
      'Shop.ratio: column missing in the database',
      'Shop: unique index shop_code_unique on (code) missing in the database',
      'Item.label: schema says nullable text, database has text NOT NULL',
      'Item: primary key is (shopId, sku) in schema.prisma, (sku) in the database',
      'Item: foreign key Item_ownerId_fkey is ON DELETE SetNull in schema.prisma, Restrict in the database',
      'table "Leftover": in the database but not in schema.prisma',
    ]);
  });

  it('reports a missing enum and a missing table without following errors', () => {
    const db = matchingSnapshot();
    db.enums = [];
    db.tables = db.tables.filter((t) => t !== 'Item');
    expect(compareSchema(schema, db)).toEqual(['enum colour: missing in the database', 'Item: table "Item" missing in the database']);
  });
});
