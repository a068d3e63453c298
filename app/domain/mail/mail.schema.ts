import { z } from 'zod';

/** /dev/mail/:id — anything that is not a uuid is simply not found. */
export const MailIdParam = z.uuid();
