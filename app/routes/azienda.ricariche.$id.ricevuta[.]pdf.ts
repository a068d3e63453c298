import type { LoaderFunctionArgs } from '@remix-run/node';
import { getTopUpReceipt, renderTopUpReceiptPdf } from '~/domain/receipts/receipts.server';
import { requireMembership } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { domainErrorResponse } from '~/utils/http.server';

// GET /azienda/ricariche/<id>/ricevuta.pdf: the receipt of a credited top-up, generated from the
// stored data, for the administrators of the company that paid. Anyone else, another company's
// top-up or one not credited: 404.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireMembership(request, { roles: ['COMPANY_ADMIN'] });
  try {
    const receipt = await getTopUpReceipt(getDb(), actor, params.id ?? '');
    const pdf = await renderTopUpReceiptPdf(receipt);
    return new Response(new Uint8Array(pdf), {
      status: 200,
      headers: {
        'Content-Type': 'application/pdf',
        'Content-Length': String(pdf.length),
        'Content-Disposition': `attachment; filename="${receipt.fileName}"`,
        'Cache-Control': 'private, no-store',
        'X-Content-Type-Options': 'nosniff',
      },
    });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}
