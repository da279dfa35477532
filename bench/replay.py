#!/usr/bin/env python3
"""The Python peer of `scimrecon import`: a straightforward replay of a SCIM request log.

Same work in spirit as scimrecon's replay: parse each line, recognise a line applied before by
its fingerprint, upsert users by id / userName into SQLite with prepared statements, apply PATCH
operations to the stored resource, record one event row per record, all in one transaction.
Only the json and sqlite3 modules of the standard library.

Fair in both directions: statements are prepared once (sqlite3's statement cache), each look-up
has its index, the page cache is scimrecon's (32 MiB), the history carries the same six indexes
as scimrecon's, and the three look-up indexes by userName, externalId and email are built after
the load when the store starts empty, as scimrecon defers them for a bulk run.

usage: python3 bench/replay.py LOG STORE APP
"""
import hashlib
import json
import sqlite3
import sys
from datetime import datetime

SCHEMA = """
CREATE TABLE IF NOT EXISTS users(app TEXT NOT NULL, id TEXT NOT NULL, user_name TEXT NOT NULL,
    user_name_key TEXT NOT NULL, external_id TEXT, email_key TEXT, active INTEGER NOT NULL,
    scim TEXT NOT NULL, PRIMARY KEY(app, id));
CREATE INDEX IF NOT EXISTS users_by_name ON users(app, user_name_key);
CREATE TABLE IF NOT EXISTS groups(app TEXT NOT NULL, id TEXT NOT NULL, display_name TEXT NOT NULL,
    scim TEXT NOT NULL, PRIMARY KEY(app, id));
CREATE TABLE IF NOT EXISTS memberships(app TEXT NOT NULL, group_id TEXT NOT NULL, user_id TEXT NOT NULL,
    PRIMARY KEY(app, group_id, user_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, run INTEGER NOT NULL,
    app TEXT NOT NULL, user TEXT, user_id TEXT, external_id TEXT, email TEXT, action TEXT NOT NULL,
    status TEXT NOT NULL, reason TEXT, changes TEXT, source TEXT NOT NULL, user_key TEXT, user_id_key TEXT,
    external_id_key TEXT, email_key TEXT);
CREATE INDEX IF NOT EXISTS events_by_time ON events(time_ms);
CREATE INDEX IF NOT EXISTS events_by_run ON events(run);
CREATE INDEX IF NOT EXISTS events_by_user_id ON events(user_id_key);
CREATE TABLE IF NOT EXISTS applied(app TEXT NOT NULL, fingerprint TEXT NOT NULL, run INTEGER NOT NULL,
    PRIMARY KEY(app, fingerprint)) WITHOUT ROWID;
"""
# The history's look-up indexes by userName, externalId and email: built after the load when the
# store starts empty (sorting once beats random b-tree inserts; scimrecon defers the same three).
LOOKUP_INDEXES = """
CREATE INDEX IF NOT EXISTS events_by_user ON events(user_key);
CREATE INDEX IF NOT EXISTS events_by_external_id ON events(external_id_key);
CREATE INDEX IF NOT EXISTS events_by_email ON events(email_key);
"""
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user"


def millis(text):
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def primary_email(user):
    emails = user.get("emails") or []
    for email in emails:
        if email.get("primary") in (True, "true", "True"):
            return email.get("value")
    return emails[0].get("value") if emails else None


def set_path(user, path, value):
    lowered = path.lower()
    if lowered.startswith(ENTERPRISE + ":"):
        user.setdefault(ENTERPRISE, {})[path[len(ENTERPRISE) + 1:]] = value
    else:
        user[path] = value


def patch(user, operations):
    for operation in operations:
        op = operation.get("op", "").lower()
        path = operation.get("path")
        value = operation.get("value")
        if op == "remove" and path:
            user.pop(path, None)
        elif path:
            set_path(user, path, value)
        elif isinstance(value, dict):
            for key, item in value.items():
                set_path(user, key, item)
    active = user.get("active", True)
    user["active"] = active not in (False, "False", "false")
    return user


def main():
    log, store, app = sys.argv[1:4]
    db = sqlite3.connect(store, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA cache_size=-32768")
    db.executescript(SCHEMA)
    empty = db.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    if not empty:
        db.executescript(LOOKUP_INDEXES)
    db.execute("BEGIN IMMEDIATE")
    run = 1
    find_id = "SELECT id, user_name, external_id, active, scim FROM users WHERE app = ? AND id = ?"
    find_name = "SELECT id, user_name, external_id, active, scim FROM users WHERE app = ? AND user_name_key = ?"
    upsert = ("INSERT INTO users(app, id, user_name, user_name_key, external_id, email_key, active, scim) "
              "VALUES(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(app, id) DO UPDATE SET user_name = excluded.user_name, "
              "user_name_key = excluded.user_name_key, external_id = excluded.external_id, "
              "email_key = excluded.email_key, active = excluded.active, scim = excluded.scim")
    event = ("INSERT INTO events(time_ms, run, app, user, user_id, external_id, email, action, status, reason, "
             "changes, source, user_key, user_id_key, external_id_key, email_key) "
             "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")

    def record(time, user, user_id, external_id, email, action, status, reason, changes, source):
        db.execute(event, (time, run, app, user, user_id, external_id, email, action, status, reason,
                           json.dumps(changes) if changes else None, source, user and user.lower(),
                           user_id and user_id.lower(), external_id and external_id.lower(),
                           email and email.lower()))

    with open(log, "rb") as lines:
        for number, raw in enumerate(lines, 1):
            line = raw.strip()
            if not line:
                continue
            fingerprint = hashlib.blake2b(line, digest_size=16).hexdigest()
            if db.execute("SELECT 1 FROM applied WHERE app = ? AND fingerprint = ?", (app, fingerprint)).fetchone():
                continue
            db.execute("INSERT INTO applied(app, fingerprint, run) VALUES(?, ?, ?)", (app, fingerprint, run))
            entry = json.loads(line)
            entry.pop("headers", None)
            method = entry["method"].upper()
            path = entry["path"].split("?")[0]
            time = millis(entry["time"])
            source = f"{log}:{number}"
            tail = path.split("/Users", 1)[1] if "/Users" in path else None
            if tail is None:
                group_tail = path.split("/Groups", 1)[1]
                group_id = group_tail.lstrip("/")
                if method == "POST":
                    body = entry.get("request") or {}
                    group_id = (entry.get("response") or {}).get("id", group_id)
                    db.execute("INSERT OR REPLACE INTO groups(app, id, display_name, scim) VALUES(?, ?, ?, ?)",
                               (app, group_id, body.get("displayName", ""), json.dumps(body)))
                    record(time, body.get("displayName"), group_id, None, None, "group-create", "success",
                           None, None, source)
                elif method == "PATCH":
                    for operation in (entry.get("request") or {}).get("Operations", []):
                        for member in operation.get("value") or []:
                            db.execute("INSERT OR IGNORE INTO memberships VALUES(?, ?, ?)",
                                       (app, group_id, member["value"]))
                            record(time, None, member["value"], None, None, "member-add", "success", None,
                                   None, source)
                continue
            user_id = tail.lstrip("/")
            if method == "POST":
                body = entry.get("request") or {}
                body.pop("password", None)
                user_id = (entry.get("response") or {}).get("id") or user_id
                name = body["userName"]
                row = db.execute(find_id, (app, user_id)).fetchone() or \
                    db.execute(find_name, (app, name.lower())).fetchone()
                body["id"] = row[0] if row else user_id
                email = primary_email(body)
                active = body.get("active", True) not in (False, "False", "false")
                db.execute(upsert, (app, body["id"], name, name.lower(), body.get("externalId"),
                                    email and email.lower(), int(active), json.dumps(body)))
                record(time, name, body["id"], body.get("externalId"), email, "update" if row else "create",
                       "success", None, [{"attribute": "userName", "old": None, "new": name}], source)
            elif method in ("PATCH", "PUT"):
                row = db.execute(find_id, (app, user_id)).fetchone()
                if not row:
                    record(time, None, user_id, None, None, "update", "failure", "resource.unknown-id", None, source)
                    continue
                user = json.loads(row[4])
                was_active = bool(row[3])
                user = patch(user, (entry.get("request") or {}).get("Operations", []))
                email = primary_email(user)
                db.execute(upsert, (app, row[0], user["userName"], user["userName"].lower(), user.get("externalId"),
                                    email and email.lower(), int(user["active"]), json.dumps(user)))
                action = "disable" if was_active and not user["active"] else "update"
                record(time, user["userName"], row[0], user.get("externalId"), email, action, "success", None,
                       [{"attribute": "active", "old": str(was_active), "new": str(user["active"])}], source)
            elif method == "DELETE":
                row = db.execute(find_id, (app, user_id)).fetchone()
                db.execute("DELETE FROM users WHERE app = ? AND id = ?", (app, user_id))
                db.execute("DELETE FROM memberships WHERE app = ? AND user_id = ?", (app, user_id))
                record(time, row and row[1], user_id, row and row[2], None, "delete",
                       "success" if row else "skipped", None, None, source)
    if empty:
        for statement in LOOKUP_INDEXES.strip().splitlines():
            db.execute(statement)  # executescript would commit first
    db.execute("COMMIT")
    db.close()


if __name__ == "__main__":
    main()
