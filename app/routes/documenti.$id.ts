import type { LoaderFunctionArgs } from '@remix-run/node';
import { getDocumentForDownload } from '~/domain/providers/providers.server';
import { downloadHeaders } from '~/domain/storage/storage.fns';
import { requireUser } from '~/utils/auth.server';
import { getDb } from '~/utils/db.server';
import { domainErrorResponse } from '~/utils/http.server';

// Authorised download of a provider document: the provider's own operators and the alliance's
// curator, admin and auditor; anyone else gets 404. Always an attachment, never sniffed or
// rendered inline (a PDF cannot run in the platform's origin).

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireUser(request);
  try {
    const document = await getDocumentForDownload(getDb(), actor, params.id ?? '');
    // A copy typed as ArrayBuffer-backed, as the fetch Response requires.
    return new Response(new Uint8Array(document.bytes), {
      status: 200,
      headers: downloadHeaders({ fileName: document.fileName, contentType: document.contentType, sizeBytes: document.sizeBytes }),
    });
  } catch (error) {
    throw domainErrorResponse(error);
  }
}
