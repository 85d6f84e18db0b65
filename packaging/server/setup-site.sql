-- Myeloma Desk: set up a clinic's PostgreSQL server for the shared patient store.
-- Run once, as a PostgreSQL superuser, with psql:
--     psql -X -v ON_ERROR_STOP=1 -v dbname=myeloma -f setup-site.sql
-- (packaging/server/setup-site.sh wraps this). It is safe to run again: what exists is kept.
--
-- It creates three group roles (no login), the database, and locks the database down. The
-- tables, and their grants to the group roles, are created by the first administrator who opens
-- the store with Myeloma Desk (`myeloma-desk --store ... patients verify`); each clinician
-- then gets a login role of their own in one group (see docs/store.md, "Clinic server"):
--     CREATE ROLE alice LOGIN IN ROLE myeloma_clinician;   then, in psql:  \password alice
--
--   myeloma_admin      creates and upgrades the schema, moves stores in and out
--   myeloma_clinician  reads and writes patients, visits, lines, assessments, notes
--   myeloma_reader     reads only (its views and exports are still logged)
-- Nobody may change or delete an audit event: no grants, and triggers refuse it even to owners.

\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT current_setting('password_encryption') = 'scram-sha-256' AS scram_ok \gset
\if :scram_ok
\else
  \echo 'password_encryption must be scram-sha-256 (the PostgreSQL default since 14)'
  \quit
\endif

SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'myeloma_admin') AS need_admin \gset
\if :need_admin
  CREATE ROLE myeloma_admin NOLOGIN;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'myeloma_clinician') AS need_clin \gset
\if :need_clin
  CREATE ROLE myeloma_clinician NOLOGIN;
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'myeloma_reader') AS need_reader \gset
\if :need_reader
  CREATE ROLE myeloma_reader NOLOGIN;
\endif

SELECT NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'dbname') AS need_db \gset
\if :need_db
  CREATE DATABASE :"dbname" OWNER myeloma_admin ENCODING 'UTF8' TEMPLATE template0;
\endif
REVOKE ALL ON DATABASE :"dbname" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"dbname" TO myeloma_admin, myeloma_clinician, myeloma_reader;

\connect :"dbname"
SET client_min_messages = warning;
-- Only the administrators create objects; the others only use what exists.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO myeloma_admin;
GRANT USAGE ON SCHEMA public TO myeloma_clinician, myeloma_reader;
