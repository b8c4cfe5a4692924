-- Printed documents (issue 11): the company's logo and payment instructions, and the
-- language a partner's documents are printed in.

-- Bank details and the like, printed under an invoice's totals ('' = none).
ALTER TABLE companies ADD COLUMN payment_instructions TEXT NOT NULL DEFAULT '';

-- One logo per company, PNG or JPEG, at most 512 KiB (checked in core first, with a
-- field error; the CHECKs are the last word). Its own table, so reading a company does
-- not read the picture.
CREATE TABLE company_logos (
    tenant_id   INTEGER NOT NULL PRIMARY KEY REFERENCES companies (id) ON DELETE CASCADE,
    media_type  TEXT NOT NULL CHECK (media_type IN ('image/png', 'image/jpeg')),
    data        BLOB NOT NULL CHECK (typeof(data) = 'blob' AND length(data) BETWEEN 1 AND 524288),
    width       INTEGER NOT NULL CHECK (width > 0),
    height      INTEGER NOT NULL CHECK (height > 0),
    updated_at  TEXT NOT NULL
);

-- The language of the documents printed for the partner: '' = the company's language.
ALTER TABLE partners ADD COLUMN language TEXT NOT NULL DEFAULT '' CHECK (language IN ('', 'en', 'de'));
