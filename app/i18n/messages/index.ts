import { apikeys } from './apikeys';
import { auth } from './auth';
import { common } from './common';
import { companies } from './companies';
import { devmail } from './devmail';
import { ledger } from './ledger';
import { offerings } from './offerings';
import { plans } from './plans';
import { providers } from './providers';
import { publicArea } from './public';
import { validation } from './validation';
import { shell } from './shell';
import { topups } from './topups';

// Register each area's messages here (one import and one spread per area).
const namespaces = [common, shell, validation, apikeys, devmail, auth, ledger, offerings, providers, publicArea, topups, plans, companies] as const;

type ItKeys<T> = T extends { it: infer I } ? keyof I : never;
export type MessageKey = ItKeys<(typeof namespaces)[number]>;

function merge(locale: 'it' | 'en'): Record<string, string> {
  return Object.assign({}, ...namespaces.map((ns) => ns[locale] as Record<string, string>));
}

export const dictionaries = { it: merge('it'), en: merge('en') } as const;
