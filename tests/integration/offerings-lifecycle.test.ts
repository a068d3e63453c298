import { beforeAll, describe, expect, it } from 'vitest';
import {
  createOffering,
  decideOffering,
  getLiveOffering,
  getOfferingReview,
  getProviderOffering,
  listReviewQueue,
  submitOffering,
  updateOffering,
} from '~/domain/offerings/offerings.server';
import { reviewQueueQuerySchema } from '~/domain/offerings/offerings.schema';
import { Conflict, Forbidden, ValidationFailed } from '~/utils/errors.server';
import { getDb, useTestDatabase } from '../setup/database';
import { createOfferingsWorld, offeringInput, type OfferingsWorld } from './offerings-fixtures';

useTestDatabase();

let world: OfferingsWorld;
beforeAll(async () => {
  world = await createOfferingsWorld(getDb());
});

async function statusOf(offeringId: string) {
  const offering = await getDb().offering.findUniqueOrThrow({
    where: { id: offeringId },
    select: { status: true, liveVersionId: true, headVersionId: true, versions: { select: { id: true, versionNumber: true, status: true }, orderBy: { versionNumber: 'asc' } } },
  });
  return offering;
}

const live = (offeringId: string) => getLiveOffering(getDb(), { allianceId: world.allianceId, offeringId });

describe('an offering from draft to approval and through a new version', () => {
  let offeringId: string;

  it('a provider saves a draft: version 1, nothing public, nothing in the queue', async () => {
    const created = await createOffering(getDb(), world.actors.operator, offeringInput(world), { ipAddress: '198.51.100.7' });
    offeringId = created.id;
    const state = await statusOf(offeringId);
    expect(state).toMatchObject({ status: 'DRAFT', liveVersionId: null, headVersionId: created.versionId, versions: [{ versionNumber: 1, status: 'DRAFT' }] });
    const version = await getDb().offeringVersion.findUniqueOrThrow({ where: { id: created.versionId }, include: { comuni: true } });
    expect(version).toMatchObject({ listPriceCents: 1500, allianceRateCents: 1250, ageMin: 3, ageMax: 10, createdById: world.actors.operator.user.id });
    expect(version.comuni).toHaveLength(2);
    expect(await live(offeringId)).toBeNull();
    const queue = await listReviewQueue(getDb(), world.actors.curator, reviewQueueQuerySchema.parse({ status: 'ALL' }));
    expect(queue.rows.map((r) => r.id)).not.toContain(offeringId);
    await expect(getOfferingReview(getDb(), world.actors.curator, offeringId)).rejects.toMatchObject({ status: 404 });
    expect(await getDb().auditEvent.count({ where: { action: 'offering.created', subjectId: offeringId, ipAddress: '198.51.100.7' } })).toBe(1);
  });

  it('a provider that is not admitted cannot submit; once admitted it can, and the curators are e-mailed', async () => {
    await getDb().providerProfile.update({ where: { organizationId: world.tenant.providerId }, data: { status: 'SUSPENDED' } });
    await expect(submitOffering(getDb(), world.actors.operator, offeringId)).rejects.toBeInstanceOf(Forbidden);
    expect((await statusOf(offeringId)).status).toBe('DRAFT');
    await getDb().providerProfile.update({ where: { organizationId: world.tenant.providerId }, data: { status: 'ADMITTED' } });

    await submitOffering(getDb(), world.actors.operator, offeringId);
    const state = await statusOf(offeringId);
    expect(state.status).toBe('SUBMITTED');
    expect(state.versions[0]!.status).toBe('SUBMITTED');
    for (const email of [world.emails.curator, world.emails.curator2]) {
      const mail = await getDb().mailMessage.findFirstOrThrow({ where: { toAddress: email } });
      expect(mail.subject).toContain('Baby-sitting a domicilio');
      expect(mail.textBody).toContain(`/ambito/offerte/${offeringId}`);
    }
    expect(await getDb().auditEvent.count({ where: { action: 'offering.submitted', subjectId: offeringId } })).toBe(1);
    // Submitting twice is refused.
    await expect(submitOffering(getDb(), world.actors.operator, offeringId)).rejects.toBeInstanceOf(Conflict);
    // While under review the provider cannot edit it.
    await expect(updateOffering(getDb(), world.actors.operator, offeringId, offeringInput(world))).rejects.toBeInstanceOf(Conflict);
  });

  it('the curator approves: version 1 goes live, the provider is e-mailed, the decision is audited', async () => {
    const review = await getOfferingReview(getDb(), world.actors.curator, offeringId);
    expect(review.decisions).toEqual(['approve', 'requestChanges', 'reject']);
    expect(review.live).toBeNull();
    await decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'approve', versionId: review.proposed!.id, ipAddress: '198.51.100.8' });
    const state = await statusOf(offeringId);
    expect(state).toMatchObject({ status: 'APPROVED', liveVersionId: review.proposed!.id, versions: [{ status: 'APPROVED' }] });
    expect((await live(offeringId))?.title).toBe('Baby-sitting a domicilio');
    const audit = await getDb().auditEvent.findFirstOrThrow({ where: { action: 'offering.approved', subjectId: offeringId } });
    expect(audit).toMatchObject({ actorUserId: world.actors.curator.user.id, ipAddress: '198.51.100.8', organizationId: world.tenant.providerId });
    const mail = await getDb().mailMessage.findFirstOrThrow({ where: { toAddress: world.emails.operator, subject: { contains: 'approvata' } } });
    expect(mail.textBody).toContain(`/ente/offerte/${offeringId}`);
    // Nothing left to approve.
    await expect(decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'approve' })).rejects.toBeInstanceOf(Conflict);
  });

  it('editing the approved offering creates version 2; the public keeps seeing version 1 until version 2 is approved', async () => {
    const before = await statusOf(offeringId);
    const edited = await updateOffering(getDb(), world.actors.operator, offeringId, offeringInput(world, { title: 'Baby-sitting serale', allianceRate: '11,00' }));
    expect(edited.mode).toBe('new-version');
    let state = await statusOf(offeringId);
    expect(state.status).toBe('APPROVED');
    expect(state.liveVersionId).toBe(before.liveVersionId);
    expect(state.versions.map((v) => [v.versionNumber, v.status])).toEqual([
      [1, 'APPROVED'],
      [2, 'DRAFT'],
    ]);
    expect((await live(offeringId))?.title).toBe('Baby-sitting a domicilio');
    // The draft of version 2 is the provider's business: the curator still sees version 1 only.
    const whileDraft = await getOfferingReview(getDb(), world.actors.curator, offeringId);
    expect(whileDraft.proposed).toBeNull();
    expect(whileDraft.versions.map((v) => v.versionNumber)).toEqual([1]);

    // Editing again changes version 2 in place (no version 3).
    await updateOffering(getDb(), world.actors.operator, offeringId, offeringInput(world, { title: 'Baby-sitting serale e festivo', allianceRate: '11,00' }));
    expect((await statusOf(offeringId)).versions).toHaveLength(2);

    await submitOffering(getDb(), world.actors.operator, offeringId);
    state = await statusOf(offeringId);
    expect(state.status).toBe('APPROVED');
    expect(state.versions[1]!.status).toBe('SUBMITTED');
    expect((await live(offeringId))?.allianceRateCents).toBe(1250);
    const queue = await listReviewQueue(getDb(), world.actors.curator, reviewQueueQuerySchema.parse({}));
    expect(queue.rows.find((r) => r.id === offeringId)).toMatchObject({ versionNumber: 2, versionStatus: 'SUBMITTED', status: 'APPROVED' });

    const review = await getOfferingReview(getDb(), world.actors.curator, offeringId);
    expect(review.live?.versionNumber).toBe(1);
    expect(review.proposed?.versionNumber).toBe(2);
    const changed = review.comparison!.fields.filter((f) => f.changed).map((f) => f.field);
    expect(changed).toEqual(['title', 'allianceRateCents']);

    await decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'approve', versionId: review.proposed!.id });
    state = await statusOf(offeringId);
    expect(state.versions.map((v) => [v.versionNumber, v.status])).toEqual([
      [1, 'SUPERSEDED'],
      [2, 'APPROVED'],
    ]);
    expect(state.liveVersionId).toBe(review.proposed!.id);
    expect(await live(offeringId)).toMatchObject({ title: 'Baby-sitting serale e festivo', allianceRateCents: 1100, versionNumber: 2 });
  });

  it('a rejected new version leaves the live one live, and the provider may try again', async () => {
    await updateOffering(getDb(), world.actors.operator, offeringId, offeringInput(world, { title: 'Versione sbagliata' }), { submit: true });
    const review = await getOfferingReview(getDb(), world.actors.curator, offeringId);
    await expect(decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'reject', versionId: review.proposed!.id })).rejects.toBeInstanceOf(
      ValidationFailed,
    );
    await decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'reject', versionId: review.proposed!.id, reason: 'Titolo fuorviante' });
    const state = await statusOf(offeringId);
    expect(state.status).toBe('APPROVED');
    expect(state.versions.map((v) => v.status)).toEqual(['SUPERSEDED', 'APPROVED', 'REJECTED']);
    expect((await live(offeringId))?.versionNumber).toBe(2);
    const mine = await getProviderOffering(getDb(), world.actors.operator, offeringId);
    expect(mine.head).toMatchObject({ versionNumber: 3, status: 'REJECTED', reviewReason: 'Titolo fuorviante' });
    expect(mine.editMode).toBe('new-version');
    expect(mine.history.map((h) => h.kind)).toContain('REJECTED');
    const again = await updateOffering(getDb(), world.actors.operator, offeringId, offeringInput(world, { title: 'Baby-sitting serale' }));
    expect(again.mode).toBe('new-version');
    expect((await statusOf(offeringId)).versions).toHaveLength(4);
  });

  it('suspend hides it from the public, reinstate brings it back, retire closes it for good', async () => {
    await expect(decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'suspend', reason: '' })).rejects.toBeInstanceOf(ValidationFailed);
    await decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'suspend', reason: 'Segnalazioni da verificare' });
    expect((await statusOf(offeringId)).status).toBe('SUSPENDED');
    expect(await live(offeringId)).toBeNull();
    await expect(decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'suspend', reason: 'di nuovo' })).rejects.toBeInstanceOf(Conflict);
    await decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'reinstate' });
    expect((await live(offeringId))?.versionNumber).toBe(2);
    await expect(decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'reinstate' })).rejects.toBeInstanceOf(Conflict);
    await decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'retire' });
    expect((await statusOf(offeringId)).status).toBe('RETIRED');
    expect(await live(offeringId)).toBeNull();
    expect((await getOfferingReview(getDb(), world.actors.curator, offeringId)).decisions).toEqual([]);
    await expect(decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'reinstate' })).rejects.toBeInstanceOf(Conflict);
    await expect(updateOffering(getDb(), world.actors.operator, offeringId, offeringInput(world))).rejects.toBeInstanceOf(Conflict);
    const actions = (await getDb().auditEvent.findMany({ where: { subjectId: offeringId }, orderBy: { createdAt: 'asc' }, select: { action: true } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['offering.suspended', 'offering.reinstated', 'offering.retired', 'offering.rejected', 'offering.version_created']));
  });
});

describe('changes requested', () => {
  it('needs a reason, lets the provider edit in place and resubmit, then a rejection closes the offering', async () => {
    const { id: offeringId } = await createOffering(getDb(), world.actors.operator, offeringInput(world, { title: 'Pre e post scuola' }), { submit: true });
    expect((await statusOf(offeringId)).status).toBe('SUBMITTED');
    await expect(decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'requestChanges', reason: '   ' })).rejects.toBeInstanceOf(
      ValidationFailed,
    );
    await decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'requestChanges', reason: 'Indicate gli orari del post scuola' });
    expect((await statusOf(offeringId)).status).toBe('CHANGES_REQUESTED');
    const mail = await getDb().mailMessage.findFirstOrThrow({ where: { toAddress: world.emails.operator, subject: { contains: 'Modifiche richieste' } } });
    expect(mail.textBody).toContain('Indicate gli orari del post scuola');

    const edited = await updateOffering(getDb(), world.actors.operator, offeringId, offeringInput(world, { title: 'Pre e post scuola', band2From: '16:00', band2To: '18:00' }));
    expect(edited.mode).toBe('in-place');
    let state = await statusOf(offeringId);
    expect(state.status).toBe('CHANGES_REQUESTED');
    expect(state.versions).toHaveLength(1);
    await submitOffering(getDb(), world.actors.operator, offeringId);
    state = await statusOf(offeringId);
    expect(state).toMatchObject({ status: 'SUBMITTED', versions: [{ status: 'SUBMITTED' }] });
    const version = await getDb().offeringVersion.findUniqueOrThrow({ where: { id: state.versions[0]!.id } });
    expect(version.reviewReason).toBeNull();
    expect(version.availability).toEqual({ weekdays: [1, 2, 3, 4, 5], bands: [{ from: '08:00', to: '12:00' }, { from: '16:00', to: '18:00' }] });

    await decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'reject', reason: 'Servizio già coperto dal Comune' });
    expect((await statusOf(offeringId)).status).toBe('REJECTED');
    await expect(submitOffering(getDb(), world.actors.operator, offeringId)).rejects.toBeInstanceOf(Conflict);
    await expect(updateOffering(getDb(), world.actors.operator, offeringId, offeringInput(world))).rejects.toBeInstanceOf(Conflict);
    await expect(decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'approve' })).rejects.toBeInstanceOf(Conflict);
    await expect(decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'suspend', reason: 'motivo valido' })).rejects.toBeInstanceOf(Conflict);
    const history = (await getProviderOffering(getDb(), world.actors.operator, offeringId)).history.map((h) => h.kind).reverse();
    expect(history).toEqual(['CREATED', 'SUBMITTED', 'CHANGES_REQUESTED', 'EDITED', 'SUBMITTED', 'REJECTED']);
  });

  it('a decision on a version the curator did not read (a newer one was submitted) is refused', async () => {
    const { id: offeringId, versionId } = await createOffering(getDb(), world.actors.operator, offeringInput(world, { title: 'Ludoteca' }), { submit: true });
    await expect(
      decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'approve', versionId: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toBeInstanceOf(Conflict);
    await decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'approve', versionId });
  });
});

describe('two curators deciding the same version at once', () => {
  it('one wins, every other concurrent decision gets a Conflict, and the state is the winner’s', async () => {
    const { id: offeringId, versionId } = await createOffering(getDb(), world.actors.operator, offeringInput(world, { title: 'Centro estivo' }), { submit: true });
    const attempts = [
      decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'approve', versionId }),
      decideOffering(getDb(), world.actors.curator2, { offeringId, decision: 'approve', versionId }),
      decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'reject', versionId, reason: 'Prezzo troppo alto' }),
      decideOffering(getDb(), world.actors.curator2, { offeringId, decision: 'requestChanges', versionId, reason: 'Manca il programma' }),
      decideOffering(getDb(), world.actors.curator2, { offeringId, decision: 'approve', versionId }),
      decideOffering(getDb(), world.actors.curator, { offeringId, decision: 'approve', versionId }),
    ];
    const results = await Promise.allSettled(attempts);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(attempts.length - 1);
    for (const r of lost) expect(r.reason).toBeInstanceOf(Conflict);
    const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof decideOffering>>>).value;
    const state = await statusOf(offeringId);
    expect(state.status).toBe(winner.status);
    expect(state.versions[0]!.status).toBe(winner.versionStatus);
    const decisions = await getDb().offeringEvent.count({ where: { offeringId, kind: { in: ['APPROVED', 'REJECTED', 'CHANGES_REQUESTED'] } } });
    expect(decisions).toBe(1);
    const audits = await getDb().auditEvent.count({
      where: { subjectId: offeringId, action: { in: ['offering.approved', 'offering.rejected', 'offering.changes_requested'] } },
    });
    expect(audits).toBe(1);
  });
});

describe('what the database itself refuses', () => {
  it('an alliance rate above the list price, a priced category without price, a second open version', async () => {
    const { id: offeringId, versionId } = await createOffering(getDb(), world.actors.operator, offeringInput(world, { title: 'Nido famiglia' }));
    await expect(getDb().offeringVersion.update({ where: { id: versionId }, data: { allianceRateCents: 1600 } })).rejects.toThrow(/OfferingVersion_prices/);
    await expect(
      getDb().offeringVersion.update({ where: { id: versionId }, data: { listPriceCents: null, allianceRateCents: null, priceUnit: null, vatTreatment: null } }),
    ).rejects.toThrow(/needs a price/);
    await expect(
      getDb().offeringVersion.create({
        data: { offeringId, versionNumber: 2, title: 'Seconda bozza', description: 'x', categoryId: world.categories['orientamento-welfare']!, target: 'EVERYONE' },
      }),
    ).rejects.toThrow(/one_open_per_offering|Unique constraint/);
    await expect(getDb().offering.update({ where: { id: offeringId }, data: { status: 'APPROVED' } })).rejects.toThrow(/Offering_live_version_by_status/);
  });
});
