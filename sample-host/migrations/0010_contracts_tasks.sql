-- sample-host schema 8: products, contracts per client, their receipts (premium periods) and
-- beneficiaries (SPEC §6 "Attestations"), and the staff task inbox (host API 1.3).
-- Amounts are integer cents; dates are YYYY-MM-DD text (compare as text).

CREATE TABLE products (
  id         INTEGER PRIMARY KEY,
  code       TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE contracts (
  id         INTEGER PRIMARY KEY,
  client_id  INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  product_id INTEGER NOT NULL REFERENCES products (id),
  number     TEXT NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('pending', 'active', 'terminated')),
  start_on   TEXT NOT NULL,
  end_on     TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX contracts_client ON contracts (client_id);
CREATE UNIQUE INDEX contracts_number ON contracts (number);

CREATE TABLE contract_receipts (
  id           INTEGER PRIMARY KEY,
  contract_id  INTEGER NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
  period_start TEXT NOT NULL,
  period_end   TEXT NOT NULL,
  amount_cents INTEGER NOT NULL,
  paid         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX contract_receipts_contract ON contract_receipts (contract_id, period_start);

CREATE TABLE contract_beneficiaries (
  id          INTEGER PRIMARY KEY,
  contract_id INTEGER NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('person', 'vehicle', 'building')),
  label       TEXT NOT NULL
);
CREATE INDEX contract_beneficiaries_contract ON contract_beneficiaries (contract_id);

-- A task for the staff holding `permission`: `owner` is who created it ("host" or a plugin
-- id), `link` a path on this host. state: 'open' or 'closed'.
CREATE TABLE tasks (
  id         INTEGER PRIMARY KEY,
  owner      TEXT NOT NULL,
  permission TEXT NOT NULL,
  title      TEXT NOT NULL,
  link       TEXT NOT NULL DEFAULT '',
  client_id  INTEGER REFERENCES clients (id) ON DELETE CASCADE,
  state      TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
  created_at INTEGER NOT NULL,
  closed_at  INTEGER,
  closed_by  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tasks_state ON tasks (state, created_at);
