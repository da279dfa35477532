/// The store's schema, as numbered migrations recorded in `PRAGMA user_version`.
///
/// Every table is keyed by application: the same person may be provisioned by several apps.
/// Case-insensitive look-ups use `*_key` columns that hold the Unicode-lowercased value, because
/// SQLite's `NOCASE` folds ASCII only.
enum SQLiteSchema {
    static let migrations: [String] = [
        """
        CREATE TABLE runs(
            id INTEGER PRIMARY KEY,
            job TEXT NOT NULL,
            app TEXT NOT NULL,
            started_ms INTEGER NOT NULL,
            finished_ms INTEGER,
            outcome TEXT,
            reason TEXT,
            counts TEXT NOT NULL DEFAULT '{}',
            inputs TEXT NOT NULL DEFAULT '[]'
        );
        CREATE TABLE users(
            app TEXT NOT NULL,
            id TEXT NOT NULL,
            user_name TEXT NOT NULL,
            user_name_key TEXT NOT NULL,
            external_id TEXT,
            email_key TEXT,
            active INTEGER NOT NULL,
            attributes TEXT NOT NULL,
            scim TEXT NOT NULL,
            disabled_ms INTEGER,
            delete_after_ms INTEGER,
            seen_run INTEGER
        );
        CREATE UNIQUE INDEX users_by_id ON users(app, id);
        CREATE INDEX users_by_name ON users(app, user_name_key);
        CREATE INDEX users_by_external_id ON users(app, external_id) WHERE external_id IS NOT NULL;
        CREATE INDEX users_by_email ON users(app, email_key) WHERE email_key IS NOT NULL;
        CREATE INDEX users_due ON users(app, delete_after_ms) WHERE delete_after_ms IS NOT NULL;
        CREATE TABLE groups(
            app TEXT NOT NULL,
            id TEXT NOT NULL,
            display_name TEXT NOT NULL,
            display_name_key TEXT NOT NULL,
            external_id TEXT,
            scim TEXT NOT NULL,
            PRIMARY KEY(app, id)
        );
        CREATE INDEX groups_by_name ON groups(app, display_name_key);
        CREATE TABLE memberships(
            app TEXT NOT NULL,
            group_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            PRIMARY KEY(app, group_id, user_id)
        ) WITHOUT ROWID;
        CREATE INDEX memberships_by_user ON memberships(app, user_id);
        CREATE TABLE events(
            seq INTEGER PRIMARY KEY,
            time_ms INTEGER NOT NULL,
            run INTEGER NOT NULL,
            app TEXT NOT NULL,
            user TEXT,
            user_id TEXT,
            external_id TEXT,
            email TEXT,
            action TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT,
            changes TEXT,
            source TEXT NOT NULL,
            user_key TEXT,
            user_id_key TEXT,
            external_id_key TEXT,
            email_key TEXT
        );
        CREATE INDEX events_by_time ON events(time_ms);
        CREATE INDEX events_by_app_time ON events(app, time_ms);
        CREATE INDEX events_by_run ON events(run);
        CREATE INDEX events_by_user ON events(user_key);
        CREATE INDEX events_by_user_id ON events(user_id_key);
        CREATE INDEX events_by_external_id ON events(external_id_key);
        CREATE INDEX events_by_email ON events(email_key);
        CREATE TABLE applied(
            app TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            run INTEGER NOT NULL,
            PRIMARY KEY(app, fingerprint)
        ) WITHOUT ROWID;
        CREATE TABLE checkpoints(
            job TEXT NOT NULL,
            path TEXT NOT NULL,
            device INTEGER NOT NULL,
            inode INTEGER NOT NULL,
            offset INTEGER NOT NULL,
            line INTEGER NOT NULL,
            checksum INTEGER NOT NULL,
            PRIMARY KEY(job, path)
        ) WITHOUT ROWID;
        """,
        // 2: an index serves a query or goes. `events_by_time` already serves `--app` with a
        // timespan (few apps per store) and the report's order; the second one only cost every
        // appended event another b-tree insert.
        """
        DROP INDEX IF EXISTS events_by_app_time;
        """,
        // 3: one application whatever its letter case (SPEC §2). `key` is the name folded in Swift
        // (`AppName.key`); `name` the spelling first recorded. Stores written before this step get
        // their applications registered, and other spellings rewritten, by
        // `SQLiteStore.registerRecordedApps()` in the same migration transaction.
        """
        CREATE TABLE apps(
            key TEXT PRIMARY KEY,
            name TEXT NOT NULL
        ) WITHOUT ROWID;
        """,
        // 4: the provider's claims (`graph-logs`), kept beside the history and never applied to
        // users. `(app, id)` deduplicates overlapping downloads; the `*_key` columns (lowercased)
        // serve crosscheck's joins by SCIM id, userName and externalId (one index each, so that a
        // look-up by identity is an OR of three index searches, see `SQLiteStore+Claims`).
        """
        CREATE TABLE claims(
            app TEXT NOT NULL,
            id TEXT NOT NULL,
            time_ms INTEGER NOT NULL,
            run INTEGER NOT NULL,
            action TEXT NOT NULL,
            status TEXT NOT NULL,
            identity_type TEXT,
            target_id TEXT,
            user TEXT,
            external_id TEXT,
            source_id TEXT,
            service_principal TEXT,
            error_code TEXT,
            error_reason TEXT,
            changes TEXT,
            source TEXT NOT NULL,
            target_id_key TEXT,
            user_key TEXT,
            external_id_key TEXT,
            PRIMARY KEY(app, id)
        ) WITHOUT ROWID;
        CREATE INDEX claims_by_time ON claims(time_ms);
        CREATE INDEX claims_by_target ON claims(target_id_key);
        CREATE INDEX claims_by_user ON claims(user_key);
        CREATE INDEX claims_by_external_id ON claims(external_id_key);
        """,
        // 5: fingerprints of replayed records as two integers (the halves of the 128-bit hash)
        // instead of 32 hex digits: half the key size, integer compares. Existing ones are copied
        // over by `SQLiteStore.convertFingerprints()` in the same migration transaction.
        """
        CREATE TABLE applied_records(
            app TEXT NOT NULL,
            high INTEGER NOT NULL,
            low INTEGER NOT NULL,
            run INTEGER NOT NULL,
            PRIMARY KEY(app, high, low)
        ) WITHOUT ROWID;
        """,
        // 6: every run counts the application's active users before it starts (the deprovision
        // guard's base). `users_by_name` finds the rows but not their `active`, so the count read
        // each user's row: 87 ms on a store of 100k users, paid by a run of any size. Only active
        // users are in this index, with their `active` (else SQLite checks it on the row), and a count
        // reads the index alone: 14 ms.
        """
        CREATE INDEX users_active ON users(app, active) WHERE active = 1;
        """,
        // 7: the digest of the snapshot or CSV row a user is exactly as (`RowDigest`), as two
        // integers like the fingerprints; every write of the user sets it or clears it. A
        // scheduled snapshot finds its unchanged rows here, one index probe each, instead of
        // matching, decoding and comparing every user.
        """
        ALTER TABLE users ADD COLUMN row_high INTEGER;
        ALTER TABLE users ADD COLUMN row_low INTEGER;
        CREATE INDEX users_by_row ON users(app, row_high, row_low) WHERE row_high IS NOT NULL;
        """,
    ]

    /// The migration after which `SQLiteStore.registerRecordedApps()` runs.
    static let appsMigration = 3
    /// The migration after which `SQLiteStore.convertFingerprints()` runs.
    static let fingerprintMigration = 5
}
