#!/bin/bash
set -euo pipefail
# Orchestra backend mariadb-users (DatabaseUser), 3 operations. Idempotent: safe to run again.
# [the common prelude: tests/golden/prelude.sh]

# ── prepare ────────────────────────────────────────────────────────────────
# The mariadb backends' statements go to the server's own mariadb client, as root over its local socket (root's
# unix_socket authentication: no password anywhere). Sections queue their statements (already quoted for SQL by the
# backend, then for the shell); mariadb_run sends the queue in ONE session, so a group of a thousand operations is
# one client process, not a thousand.
mariadb_queue_text=''

# mariadb_queue SQL: adds statements to the session mariadb_run sends.
mariadb_queue() {
  mariadb_queue_text+="$1"$'\n'
}

# mariadb_run: sends the queued statements, stopping at the first error, and empties the queue. The session's
# sql_mode is set first (and the client speaks utf8mb4, whatever the locale): the backends' string literals use backslash escapes (no NO_BACKSLASH_ESCAPES), and a GRANT
# must never create a user (NO_AUTO_CREATE_USER).
mariadb_run() {
  [ -n "$mariadb_queue_text" ] || return 0
  command -v mariadb >/dev/null || fail "mariadb is not installed: is this a MariaDB server?"
  local text=$mariadb_queue_text
  mariadb_queue_text=''
  { echo "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION';"; printf '%s' "$text"; } \
    | mariadb --default-character-set=utf8mb4 --batch --skip-column-names --raw || fail "mariadb stopped at the error above"
}

# ── operation op-603: save DatabaseUser 21 (alice_app) ─────────────────────
mariadb_queue 'SELECT '\''user alice_app: saved'\'';
CREATE USER IF NOT EXISTS '\''alice_app'\''@'\''%'\'' IDENTIFIED BY PASSWORD '\''*92EB4191D21374E28051C37742B6AA8C1880501F'\'';
DELIMITER ;;
BEGIN NOT ATOMIC
  IF NOT EXISTS (SELECT 1 FROM mysql.global_priv WHERE User = '\''alice_app'\'' AND Host = '\''%'\'' AND JSON_VALUE(Priv, '\''$.plugin'\'') = '\''mysql_native_password'\'' AND JSON_VALUE(Priv, '\''$.authentication_string'\'') = '\''*92EB4191D21374E28051C37742B6AA8C1880501F'\'') THEN
    ALTER USER '\''alice_app'\''@'\''%'\'' IDENTIFIED BY PASSWORD '\''*92EB4191D21374E28051C37742B6AA8C1880501F'\'';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM mysql.global_priv WHERE User = '\''alice_app'\'' AND Host = '\''%'\'' AND COALESCE(JSON_VALUE(Priv, '\''$.account_locked'\''), '\''false'\'') = '\''false'\'') THEN
    ALTER USER '\''alice_app'\''@'\''%'\'' ACCOUNT UNLOCK;
  END IF;
END;;
DELIMITER ;'

# ── operation op-604: save DatabaseUser 23 (alice_ro) ──────────────────────
mariadb_queue 'SELECT '\''user alice_ro: saved, disabled (ACCOUNT LOCK)'\'';
CREATE USER IF NOT EXISTS '\''alice_ro'\''@'\''%'\'' IDENTIFIED BY PASSWORD '\''*92EB4191D21374E28051C37742B6AA8C1880501F'\'';
DELIMITER ;;
BEGIN NOT ATOMIC
  IF NOT EXISTS (SELECT 1 FROM mysql.global_priv WHERE User = '\''alice_ro'\'' AND Host = '\''%'\'' AND JSON_VALUE(Priv, '\''$.plugin'\'') = '\''mysql_native_password'\'' AND JSON_VALUE(Priv, '\''$.authentication_string'\'') = '\''*92EB4191D21374E28051C37742B6AA8C1880501F'\'') THEN
    ALTER USER '\''alice_ro'\''@'\''%'\'' IDENTIFIED BY PASSWORD '\''*92EB4191D21374E28051C37742B6AA8C1880501F'\'';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM mysql.global_priv WHERE User = '\''alice_ro'\'' AND Host = '\''%'\'' AND COALESCE(JSON_VALUE(Priv, '\''$.account_locked'\''), '\''false'\'') = '\''true'\'') THEN
    ALTER USER '\''alice_ro'\''@'\''%'\'' ACCOUNT LOCK;
  END IF;
END;;
DELIMITER ;
KILL CONNECTION USER '\''alice_ro'\''@'\''%'\'';'

# ── operation op-605: delete DatabaseUser 22 (alice_old) ───────────────────
mariadb_queue 'DROP USER IF EXISTS '\''alice_old'\''@'\''%'\'';
SELECT '\''user alice_old: deleted'\'';'

# ── commit ─────────────────────────────────────────────────────────────────
mariadb_run
exit "$exit_code"
