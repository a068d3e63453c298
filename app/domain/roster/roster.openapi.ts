import { z } from 'zod';
import { errorResponse, registerApiPath, registerApiSchema, registerApiTag } from '~/api/openapi';
import { ROSTER_FIELDS } from './roster.fns';

// POST/GET /api/v1/companies/{id}/employees:import in the OpenAPI document (imported by
// app/api/endpoints.ts). The response schema is what tests/integration/roster-api.test.ts checks
// real answers against.

registerApiTag('roster', 'The company’s employee roster, as payroll software sends it.');

const CountsSchema = z.object({
  total: z.number().int().min(0).describe('Data rows in the file'),
  new: z.number().int().min(0),
  updated: z.number().int().min(0),
  unchanged: z.number().int().min(0),
  leavers: z.number().int().min(0).describe('Rows that set or change a termination date (also counted as new or updated)'),
  errors: z.number().int().min(0).describe('Rows with at least one problem'),
});

const RowErrorSchema = z.object({
  row: z.number().int().min(1).describe('Row number in the file; the header is row 1'),
  column: z.string().nullable().describe('The column’s header as written in the file'),
  field: z.enum(ROSTER_FIELDS).nullable(),
  code: z
    .string()
    .describe(
      'required, cfLength, cfFormat, cfCheckDigit, cfBirthDate, email, date, terminationBeforeHire, count, tooLong, unknownSite, encoding, duplicateInFile, duplicateEmailInFile, duplicateInCompany, missingColumn, columnTwice, noSuchColumn',
    ),
  value: z.string().optional(),
  firstRow: z.number().int().optional().describe('For duplicates: the row where the value first appeared'),
});

export const RosterImportResponseSchema = z
  .object({
    importId: z.uuid().nullable().describe('null for a dry run (nothing is stored)'),
    dryRun: z.boolean(),
    status: z.enum(['UPLOADED', 'VALIDATING', 'VALIDATED', 'COMMITTING', 'COMMITTED', 'FAILED']),
    counts: CountsSchema,
    errorCount: z.number().int().min(0),
    errors: z.array(RowErrorSchema).max(1000).describe('Row-level problems, in file order, at most 1000'),
    detected: z.object({
      format: z.enum(['csv', 'xlsx']),
      encoding: z.string().nullable().describe('utf-8, utf-8-bom, utf-16le, utf-16be or windows-1252; null for XLSX'),
      delimiter: z.string().nullable(),
      headers: z.array(z.string()),
      rows: z.number().int().min(0),
    }),
  })
  .describe('The outcome of a roster import or dry run');

const importSchema = registerApiSchema('RosterImport', RosterImportResponseSchema);
const companyId = { name: 'id', in: 'path' as const, description: 'The company: the organisation of the API key', schema: z.uuid() };

registerApiPath({
  method: 'post',
  path: '/companies/{id}/employees:import',
  operationId: 'importEmployees',
  summary: 'Import the employee roster (CSV or XLSX)',
  description: [
    'Body: the file as `text/csv` (`;`, `,` or tab separated; UTF-8 with or without BOM, UTF-16 with BOM or Windows-1252, detected), the XLSX bytes (`application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`), or `multipart/form-data` with the file in the field `file`. At most 20 MB, 100,000 rows.',
    'Italian payroll headers are recognised (Codice fiscale, Cognome, Nome, Email, Data assunzione, Data cessazione, Sede, Categoria, Figli a carico, Familiari a carico, and synonyms, case and accents ignored). Other headers: name the columns with `?map.<field>=<header>`; without it the answer is 422 `mapping_required` listing the headers.',
    'Every row is validated (codice fiscale check character and omocodia, e-mail, dates dd/mm/yyyy or ISO, termination not before hire, duplicates in the file and in the company, known site). `?dryRun=true` answers the counts and the row errors and writes nothing.',
    'Otherwise the import is all-or-nothing: any row error → 422 `validation_failed` with the same body in `details`, nothing written. Re-sending the same file changes nothing. New employees receive an invitation e-mail. Files over 2,000 rows are committed in the background: 202 with a `Location` to poll.',
    'Needs a COMPANY_ADMIN key of that company; any other company id answers 404.',
  ].join('\n\n'),
  tags: ['roster'],
  security: 'apiKey',
  parameters: [
    companyId,
    { name: 'dryRun', in: 'query', description: '`true`: validate and compare only, write nothing', schema: z.enum(['true', 'false']) },
    ...ROSTER_FIELDS.map((field) => ({ name: `map.${field}`, in: 'query' as const, description: `The header (or 0-based column index) holding ${field}`, schema: z.string() })),
  ],
  responses: {
    '200': { description: 'Committed, or the dry run’s outcome', schema: importSchema },
    '202': { description: 'A large file: the commit runs in the background', schema: importSchema },
    '403': errorResponse('403'),
    '404': errorResponse('404'),
    '405': errorResponse('405'),
    '413': { description: 'The file is larger than 20 MB' },
    '415': { description: 'The body is neither CSV, XLSX nor multipart' },
    '422': errorResponse('422', 'The file cannot be read, columns are missing (`mapping_required`), or rows have errors (`validation_failed`; nothing written)'),
  },
});

registerApiPath({
  method: 'get',
  path: '/companies/{id}/employees:import',
  operationId: 'getEmployeeImport',
  summary: 'The state of a roster import',
  description: 'For the `Location` of a 202: poll until `status` is COMMITTED (or FAILED).',
  tags: ['roster'],
  security: 'apiKey',
  parameters: [companyId, { name: 'importId', in: 'query', required: true, description: 'The import', schema: z.uuid() }],
  responses: {
    '200': { description: 'The import', schema: importSchema },
    '403': errorResponse('403'),
    '404': errorResponse('404'),
    '422': errorResponse('422'),
  },
});
