#!/usr/bin/env python3
"""The Python peer of `scimrecon import --format csv`: a plain bulk import of a user export.

What a competent administrator would write with the standard library only (csv + sqlite3):
one transaction, prepared statements (sqlite3 caches them), an index for each look-up. Each
row becomes a SCIM user; it is matched by externalId, then by userName (case-insensitively),
inserted or updated, and one event row records what happened, with the history indexes the
reports use.

usage: python3 bench/import_csv.py CSV STORE APP
"""
import csv
import json
import sqlite3
import sys
import time

SCHEMA = """
CREATE TABLE IF NOT EXISTS users(app TEXT NOT NULL, id TEXT NOT NULL, user_name TEXT NOT NULL,
    user_name_key TEXT NOT NULL, external_id TEXT, email_key TEXT, active INTEGER NOT NULL,
    scim TEXT NOT NULL, PRIMARY KEY(app, id));
CREATE INDEX IF NOT EXISTS users_by_name ON users(app, user_name_key);
CREATE INDEX IF NOT EXISTS users_by_external_id ON users(app, external_id) WHERE external_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, run INTEGER NOT NULL,
    app TEXT NOT NULL, user TEXT, user_id TEXT, external_id TEXT, email TEXT, action TEXT NOT NULL,
    status TEXT NOT NULL, reason TEXT, changes TEXT, source TEXT NOT NULL, user_key TEXT, user_id_key TEXT,
    external_id_key TEXT, email_key TEXT);
CREATE INDEX IF NOT EXISTS events_by_time ON events(time_ms);
CREATE INDEX IF NOT EXISTS events_by_user ON events(user_key);
CREATE INDEX IF NOT EXISTS events_by_user_id ON events(user_id_key);
CREATE INDEX IF NOT EXISTS events_by_external_id ON events(external_id_key);
CREATE INDEX IF NOT EXISTS events_by_email ON events(email_key);
"""
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
FIND_EXTERNAL = "SELECT id, scim FROM users WHERE app = ? AND external_id = ?"
FIND_NAME = "SELECT id, scim FROM users WHERE app = ? AND user_name_key = ?"
INSERT = ("INSERT INTO users(app, id, user_name, user_name_key, external_id, email_key, active, scim) "
          "VALUES(?, ?, ?, ?, ?, ?, ?, ?)")
UPDATE = ("UPDATE users SET user_name = ?, user_name_key = ?, external_id = ?, email_key = ?, active = ?, "
          "scim = ? WHERE app = ? AND id = ?")
EVENT = ("INSERT INTO events(time_ms, run, app, user, user_id, external_id, email, action, status, reason, "
         "changes, source, user_key, user_id_key, external_id_key, email_key) "
         "VALUES(?, 1, ?, ?, ?, ?, ?, ?, 'success', NULL, ?, ?, ?, ?, ?, ?)")


def user_from(header, row):
    """The SCIM user a row describes: dotted paths nest, the emails[...] column is the work email."""
    user = {"schemas": [CORE]}
    for name, value in zip(header, row):
        if value == "":
            continue
        if name.startswith("emails["):
            user["emails"] = [{"type": "work", "primary": True, "value": value}]
        elif name == "active":
            user["active"] = value.lower() == "true"
        elif "." in name:
            parent, child = name.split(".", 1)
            user.setdefault(parent, {})[child] = value
        else:
            user[name] = value
    user.setdefault("active", True)
    return user


def changes(old, new):
    keys = sorted((set(old) | set(new)) - {"id", "schemas"})
    return [{"attribute": key, "old": json.dumps(old.get(key)) if key in old else None,
             "new": json.dumps(new.get(key)) if key in new else None}
            for key in keys if old.get(key) != new.get(key)]


def main():
    path, store, app = sys.argv[1:4]
    db = sqlite3.connect(store, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA cache_size=-32768")
    db.executescript(SCHEMA)
    now = int(time.time() * 1000)
    next_id = db.execute("SELECT count(*) FROM users").fetchone()[0]
    db.execute("BEGIN IMMEDIATE")
    with open(path, newline="", encoding="utf-8") as file:
        reader = csv.reader(file)
        header = next(reader)
        for number, row in enumerate(reader, 2):
            user = user_from(header, row)
            name = user["userName"]
            external = user.get("externalId")
            email = user["emails"][0]["value"] if "emails" in user else None
            found = db.execute(FIND_EXTERNAL, (app, external)).fetchone() if external else None
            found = found or db.execute(FIND_NAME, (app, name.lower())).fetchone()
            if found:
                user_id, stored = found[0], json.loads(found[1])
                user["id"] = user_id
                diff = changes(stored, user)
                action = "update"
                if diff:
                    db.execute(UPDATE, (name, name.lower(), external, email and email.lower(), int(user["active"]),
                                        json.dumps(user), app, user_id))
            else:
                next_id += 1
                user_id = f"csv-{next_id}"
                user["id"] = user_id
                diff = changes({}, user)
                action = "create"
                db.execute(INSERT, (app, user_id, name, name.lower(), external, email and email.lower(),
                                    int(user["active"]), json.dumps(user)))
            db.execute(EVENT, (now, app, name, user_id, external, email, action, json.dumps(diff),
                               f"{path}:{number}", name.lower(), user_id.lower(), external and external.lower(),
                               email and email.lower()))
    db.execute("COMMIT")
    db.close()


if __name__ == "__main__":
    main()
