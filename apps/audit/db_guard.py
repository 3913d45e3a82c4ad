"""PostgreSQL guard of the audit table: a trigger refuses UPDATE and DELETE of audit entries,
except

* the sequencer's one-time setting of the chain columns (`chained_seq`, `previous_hash`,
  `entry_hash`, `key_id`) on a row whose chain columns are still NULL, every other column
  unchanged; and
* the retention purge's DELETE of chained entries, in a transaction that set
  `SET LOCAL wipp.audit_purge = 'on'` (apps.audit.retention).

It stops the application (a bug, an injected query, a careless shell session) from rewriting
the log. It does not stop the database owner, who can drop the trigger: against that insider
the keyed chain and the checkpoints outside the database are the protection. Installed by
migration 0004 on PostgreSQL only; tests install it with `install(connection)`.
"""

TABLE = "audit_auditentry"
CHAIN_COLUMNS = "ARRAY['chained_seq', 'previous_hash', 'entry_hash', 'key_id']"

INSTALL_SQL = f"""
CREATE OR REPLACE FUNCTION wipp_audit_entry_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF coalesce(current_setting('wipp.audit_purge', true), '') = 'on'
           AND OLD.chained_seq IS NOT NULL THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION USING MESSAGE =
            'audit entries are append-only: DELETE of entry ' || OLD.id || ' refused';
    END IF;
    IF OLD.chained_seq IS NULL AND OLD.entry_hash IS NULL
       AND NEW.chained_seq IS NOT NULL AND NEW.entry_hash IS NOT NULL
       AND (to_jsonb(NEW) - {CHAIN_COLUMNS}) = (to_jsonb(OLD) - {CHAIN_COLUMNS}) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING MESSAGE =
        'audit entries are append-only: UPDATE of entry ' || OLD.id || ' refused';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS wipp_audit_entry_guard ON {TABLE};
CREATE TRIGGER wipp_audit_entry_guard BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION wipp_audit_entry_guard();
"""

DROP_SQL = f"""
DROP TRIGGER IF EXISTS wipp_audit_entry_guard ON {TABLE};
DROP FUNCTION IF EXISTS wipp_audit_entry_guard();
"""


def install(connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(INSTALL_SQL)
    return True


def uninstall(connection) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(DROP_SQL)
