// Field-level validation messages. zod schemas use these keys as their messages; pages and the
// JSON API translate them. Keys follow the field or identifier they describe.
export const validation = {
  it: {
    'validation.required': 'Campo obbligatorio',
    'validation.email': 'Inserisci un indirizzo e-mail valido, ad esempio nome@esempio.it',
    'validation.tooLong': 'Il testo è troppo lungo',
    'validation.invalidChoice': 'Scegli una delle opzioni proposte',
    'validation.invalidId': 'Identificativo non valido',

    'validation.codiceFiscale.empty': 'Inserisci il codice fiscale',
    'validation.codiceFiscale.length': 'Il codice fiscale ha 16 caratteri (persone) o 11 cifre (società ed enti)',
    'validation.codiceFiscale.format':
      'Il codice fiscale non ha la forma corretta: controlla lettere e cifre, ad esempio RSSMRA85T10A562S',
    'validation.codiceFiscale.checkDigit':
      'Il codice fiscale non è valido: il carattere di controllo non corrisponde. Controlla di averlo scritto bene',
    'validation.codiceFiscale.birthDate': 'Il codice fiscale contiene una data di nascita impossibile',
    'validation.codiceFiscale.officeCode': 'Il codice fiscale numerico contiene un codice ufficio inesistente',
    'validation.codiceFiscale.personOnly': 'Inserisci il codice fiscale di 16 caratteri della persona',

    'validation.partitaIva.empty': 'Inserisci la partita IVA',
    'validation.partitaIva.length': 'La partita IVA ha 11 cifre',
    'validation.partitaIva.format': 'La partita IVA contiene solo cifre (11)',
    'validation.partitaIva.checkDigit':
      'La partita IVA non è valida: la cifra di controllo non corrisponde. Controlla di averla scritta bene',
    'validation.partitaIva.officeCode': 'La partita IVA contiene un codice ufficio inesistente (cifre 8–10)',

    'validation.iban.empty': 'Inserisci l’IBAN',
    'validation.iban.country': 'Inserisci un IBAN italiano (inizia con IT)',
    'validation.iban.length': 'L’IBAN italiano ha 27 caratteri',
    'validation.iban.format': 'L’IBAN non ha la forma corretta: IT, 2 cifre, una lettera (CIN), ABI, CAB e numero di conto',
    'validation.iban.checkDigits': 'L’IBAN non è valido: le cifre di controllo non corrispondono',
    'validation.iban.cin': 'L’IBAN non è valido: la lettera CIN non corrisponde a ABI, CAB e conto',

    'validation.taxId.format': 'Inserisci una partita IVA (11 cifre) o un codice fiscale (16 caratteri)',

    'validation.organization.legalName': 'Inserisci la ragione sociale (almeno 2 caratteri)',
    'validation.organization.kind': 'Scegli il tipo di organizzazione',
    'validation.organization.ambitoNotFound': 'Ambito non trovato in questa alleanza',
    'validation.organization.comuneNotFound': 'Comune non trovato in questa alleanza',
    'validation.organization.comuneOutsideAmbito': 'Il comune scelto non appartiene all’Ambito indicato',
    'validation.organization.duplicateCodiceFiscale':
      'In questa alleanza esiste già un’organizzazione con questo codice fiscale',
  },
  en: {
    'validation.required': 'This field is required',
    'validation.email': 'Enter a valid e-mail address, for example name@example.com',
    'validation.tooLong': 'The text is too long',
    'validation.invalidChoice': 'Choose one of the options',
    'validation.invalidId': 'Invalid identifier',

    'validation.codiceFiscale.empty': 'Enter the codice fiscale',
    'validation.codiceFiscale.length':
      'A codice fiscale has 16 characters (people) or 11 digits (companies and other bodies)',
    'validation.codiceFiscale.format':
      'The codice fiscale is not in the right form: check letters and digits, for example RSSMRA85T10A562S',
    'validation.codiceFiscale.checkDigit':
      'The codice fiscale is not valid: its check character does not match. Check that it is typed correctly',
    'validation.codiceFiscale.birthDate': 'The codice fiscale contains an impossible birth date',
    'validation.codiceFiscale.officeCode': 'The numeric codice fiscale contains a tax-office code that does not exist',
    'validation.codiceFiscale.personOnly': 'Enter the person’s 16-character codice fiscale',

    'validation.partitaIva.empty': 'Enter the VAT number (partita IVA)',
    'validation.partitaIva.length': 'A partita IVA has 11 digits',
    'validation.partitaIva.format': 'A partita IVA contains digits only (11)',
    'validation.partitaIva.checkDigit':
      'The partita IVA is not valid: its check digit does not match. Check that it is typed correctly',
    'validation.partitaIva.officeCode': 'The partita IVA contains a tax-office code that does not exist (digits 8–10)',

    'validation.iban.empty': 'Enter the IBAN',
    'validation.iban.country': 'Enter an Italian IBAN (starting with IT)',
    'validation.iban.length': 'An Italian IBAN has 27 characters',
    'validation.iban.format': 'The IBAN is not in the right form: IT, 2 digits, a letter (CIN), ABI, CAB and account number',
    'validation.iban.checkDigits': 'The IBAN is not valid: its check digits do not match',
    'validation.iban.cin': 'The IBAN is not valid: the CIN letter does not match ABI, CAB and account',

    'validation.taxId.format': 'Enter a partita IVA (11 digits) or a codice fiscale (16 characters)',

    'validation.organization.legalName': 'Enter the legal name (at least 2 characters)',
    'validation.organization.kind': 'Choose the kind of organisation',
    'validation.organization.ambitoNotFound': 'Ambito not found in this alliance',
    'validation.organization.comuneNotFound': 'Municipality not found in this alliance',
    'validation.organization.comuneOutsideAmbito': 'The chosen municipality does not belong to the chosen Ambito',
    'validation.organization.duplicateCodiceFiscale':
      'An organisation with this codice fiscale already exists in this alliance',
  },
} as const;
