import { json, redirect } from '@remix-run/node';
import type { Actor } from '~/domain/auth/actor';
import { getDb } from '~/utils/db.server';
import { Conflict, Forbidden, ValidationFailed } from '~/utils/errors.server';
import { parseForm } from '~/utils/forms.server';
import { domainErrorResponse, getClientIp } from '~/utils/http.server';
import { formDataValues, type OfferingFormValues } from './offerings.fns';
import { offeringFormIntentSchema, offeringFormSchema } from './offerings.schema';
import { createOffering, submitOffering, updateOffering } from './offerings.server';

// The provider's form, shared by /ente/offerte/nuova (create) and /ente/offerte/:id (edit, submit):
// parse, call one domain function, redirect with the outcome, or answer with field errors and the
// values as typed (checkbox groups included).

export interface OfferingFormFailure {
  fieldErrors: Record<string, string>;
  formError: string | null;
  /** What was typed; null when the failed request was not the form (e.g. "send for review"). */
  values: OfferingFormValues | null;
}

function failure(status: number, values: OfferingFormValues | null, fieldErrors: Record<string, string>, formError: string | null = null) {
  return json<OfferingFormFailure>({ fieldErrors, formError, values }, { status });
}

export async function offeringFormAction(request: Request, actor: Actor, offeringId: string | null): Promise<Response> {
  const formData = await request.formData();
  const intent = offeringFormIntentSchema.parse(formData.get('intent'));
  const values = intent === 'submitOnly' ? null : formDataValues(formData);
  const db = getDb();
  const options = { ipAddress: getClientIp(request), submit: intent === 'submit' };
  try {
    if (intent === 'submitOnly' && offeringId) {
      await submitOffering(db, actor, offeringId, options);
      return redirect(`/ente/offerte/${offeringId}?esito=inviata`);
    }
    const parsed = await parseForm(formData, offeringFormSchema);
    if (!parsed.ok) return failure(422, values ?? formDataValues(formData), parsed.fieldErrors);
    if (offeringId) {
      const result = await updateOffering(db, actor, offeringId, parsed.data, options);
      const outcome = options.submit ? 'inviata' : result.mode === 'new-version' ? 'nuova-versione' : 'salvata';
      return redirect(`/ente/offerte/${offeringId}?esito=${outcome}`);
    }
    const created = await createOffering(db, actor, parsed.data, options);
    return redirect(`/ente/offerte/${created.id}?esito=${options.submit ? 'inviata' : 'salvata'}`);
  } catch (error) {
    if (error instanceof ValidationFailed) return failure(422, values, error.fieldErrors);
    if (error instanceof Conflict) return failure(409, values, {}, 'offerings.error.conflict');
    // Submitting before the Ambito admitted the provider (assertProviderAdmitted).
    if (error instanceof Forbidden) return failure(403, values, {}, 'offerings.error.notAdmitted');
    throw domainErrorResponse(error);
  }
}
