#pragma once
// The store's own tables, in SQL both engines read: SQLite as written, PostgreSQL through its
// engine's translation of the column types (INTEGER as BIGINT, BLOB as BYTEA, an AUTOINCREMENT
// key as an identity column).

namespace cimbus::store {

inline constexpr const char* kStoreTables = R"(
CREATE TABLE IF NOT EXISTS inbox (
  message_id   TEXT PRIMARY KEY,
  state        TEXT NOT NULL,              -- fresh, handled, dead
  attempts     INTEGER NOT NULL,
  first_seen   INTEGER NOT NULL,           -- ms since the epoch
  reason       TEXT,                       -- dead: why
  reply_target TEXT,
  reply        BLOB                        -- handled: the reply (StoredMessage)
);
CREATE INDEX IF NOT EXISTS inbox_by_first_seen ON inbox (first_seen);
CREATE TABLE IF NOT EXISTS outbox (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  target   TEXT NOT NULL,
  message  BLOB,                           -- StoredMessage; NULL: the inbox's reply to reply_of
  reply_of TEXT,                           -- inbox.message_id
  owner    TEXT NOT NULL DEFAULT '',       -- the instance that sends it
  created  INTEGER NOT NULL DEFAULT 0      -- ms since the epoch (0: a row of layout 6 or before)
);
CREATE INDEX IF NOT EXISTS outbox_by_owner ON outbox (owner, id);
CREATE TABLE IF NOT EXISTS correlations (
  message_id TEXT PRIMARY KEY,             -- the request's MessageID: its replies' CorrelationID
  noun       TEXT NOT NULL,
  deadline   INTEGER NOT NULL,             -- ms since the epoch
  owner      TEXT NOT NULL DEFAULT ''      -- the instance that sent it and awaits the reply
);
CREATE INDEX IF NOT EXISTS correlations_by_deadline ON correlations (owner, deadline);
CREATE TABLE IF NOT EXISTS acknowledged_calls (
  message_id   TEXT PRIMARY KEY,           -- the forwarded request's inbox key
  correlation  TEXT NOT NULL,              -- the CorrelationID its result will carry
  noun         TEXT NOT NULL,
  reply_target TEXT NOT NULL,
  reply        BLOB NOT NULL,              -- the prepared reply (Envelope)
  deadline     INTEGER NOT NULL,           -- ms since the epoch
  owner        TEXT NOT NULL DEFAULT '',   -- the instance that answers it at its deadline
  transport_correlation      TEXT NOT NULL DEFAULT '',  -- the AMQP correlation-id of its reply
  transport_correlation_type INTEGER NOT NULL DEFAULT 0 -- StoredMessage.IdType
);
CREATE INDEX IF NOT EXISTS acknowledged_calls_by_correlation ON acknowledged_calls (correlation);
CREATE INDEX IF NOT EXISTS acknowledged_calls_by_deadline ON acknowledged_calls (owner, deadline);
CREATE TABLE IF NOT EXISTS seen_nonces (
  source TEXT NOT NULL,                    -- Header/Source of the message
  nonce  TEXT NOT NULL,                    -- its ReplayDetection/Nonce
  message_id TEXT NOT NULL,                -- the message that carried it: its redeliveries are no replay
  seen   INTEGER NOT NULL,                 -- ms since the epoch
  PRIMARY KEY (source, nonce)
);
CREATE INDEX IF NOT EXISTS seen_nonces_by_seen ON seen_nonces (seen);
CREATE TABLE IF NOT EXISTS message_journal (
  id             INTEGER PRIMARY KEY,      -- no AUTOINCREMENT: its counter is one more write a row
  at             INTEGER NOT NULL,         -- ms since the epoch
  instance       TEXT NOT NULL,
  direction      TEXT NOT NULL,            -- in, out
  kind           TEXT NOT NULL,            -- request, reply, event, fault, dead_letter
  noun           TEXT NOT NULL,
  verb           TEXT NOT NULL,
  message_id     TEXT NOT NULL,
  correlation_id TEXT NOT NULL,
  subjects       TEXT NOT NULL,            -- mRIDs of the payload's objects, space-separated
  refs           TEXT NOT NULL,            -- mRIDs nested in them and Request IDs
  result         TEXT NOT NULL,
  codes          TEXT NOT NULL,
  peer           TEXT NOT NULL,
  body           BLOB                      -- when the journal keeps bodies
);
CREATE INDEX IF NOT EXISTS message_journal_by_message ON message_journal (message_id);
CREATE INDEX IF NOT EXISTS message_journal_by_correlation ON message_journal (correlation_id);
CREATE TABLE IF NOT EXISTS message_journal_names (
  name  TEXT NOT NULL,                     -- an mRID or Request ID a journal row names
  entry INTEGER NOT NULL,                  -- message_journal.id
  PRIMARY KEY (name, entry)                -- the table is its index (a store of layout 8 or before has both)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS order_numbers (  -- a sender's numbers per order key (object_order.hpp)
  order_key TEXT PRIMARY KEY,
  last      INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS order_taken (    -- a receiver's last number taken per order key
  order_key TEXT PRIMARY KEY,
  last      INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS order_parked (   -- messages that came before their turn
  order_key TEXT NOT NULL,
  number    INTEGER NOT NULL,
  queue     TEXT NOT NULL,
  message   BLOB NOT NULL,                 -- StoredMessage
  parked    INTEGER NOT NULL,              -- ms since the epoch
  PRIMARY KEY (order_key, number)
);
CREATE INDEX IF NOT EXISTS order_parked_by_parked ON order_parked (parked);
)";

// The journal's tables cost the least a row that still finds what `cimbus trace` asks (decisions/0035):
// rows by id (no AUTOINCREMENT, no index on `at`: forgetting goes by id), names in a table that
// is its own index. A store made before keeps its journal tables as they were; the same
// statements serve both.
//
// The version of the tables above (PRAGMA user_version). 2: replies stored once (outbox.reply_of).
// 3: outbox rows and requests have an owner, for instances sharing a file. 4: acknowledged_calls
// (a layout 3 file only gains the table). 5: acknowledged calls keep their reply's transport
// correlation. 6: seen_nonces (a layout 5 file only gains the table). 7: outbox rows say when
// they were made (outbox.created, for the age of the backlog; 0 in rows of an older file). 8: the
// order tables (a layout 7 store only gains them; decisions/0032).
inline constexpr int kLayout = 8;

}  // namespace cimbus::store
