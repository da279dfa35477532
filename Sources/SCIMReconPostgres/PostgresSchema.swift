/// The store's schema on PostgreSQL, as numbered migrations recorded in `scimrecon_schema`.
///
/// The same tables as the SQLite store (`SQLiteSchema`), column for column, with three
/// differences PostgreSQL calls for: text compares and sorts bytewise (`COLLATE "C"`, as SQLite
/// does), so listings come out in the same order whatever the database's locale; `user` and
/// `offset` are reserved words, so those columns are `user_name` and `byte_offset`; and the
/// ASCII-folded externalId and id that SQLite computes with `lower()` are stored (`*_fold`),
/// because PostgreSQL's `lower()` folds more than ASCII. Every `*_key` column holds the value
/// lowercased in Swift, exactly as the SQLite store computes it.
enum PostgresSchema {
    /// Bytewise text, like SQLite's default `BINARY` collation.
    static let text = "TEXT COLLATE \"C\""

    static let migrations: [String] = [
        """
        CREATE TABLE runs(
            id BIGSERIAL PRIMARY KEY,
            job \(text) NOT NULL,
            app \(text) NOT NULL,
            started_ms BIGINT NOT NULL,
            finished_ms BIGINT,
            outcome \(text),
            reason \(text),
            counts \(text) NOT NULL DEFAULT '{}',
            inputs \(text) NOT NULL DEFAULT '[]'
        );
        CREATE TABLE users(
            app \(text) NOT NULL,
            id \(text) NOT NULL,
            user_name \(text) NOT NULL,
            user_name_key \(text) NOT NULL,
            external_id \(text),
            external_id_fold \(text),
            id_fold \(text) NOT NULL,
            email_key \(text),
            active BOOLEAN NOT NULL,
            attributes \(text) NOT NULL,
            scim \(text) NOT NULL,
            disabled_ms BIGINT,
            delete_after_ms BIGINT,
            seen_run BIGINT,
            PRIMARY KEY(app, id)
        );
        CREATE INDEX users_by_name ON users(app, user_name_key);
        CREATE INDEX users_by_external_id ON users(app, external_id) WHERE external_id IS NOT NULL;
        CREATE INDEX users_by_email ON users(app, email_key) WHERE email_key IS NOT NULL;
        CREATE INDEX users_due ON users(app, delete_after_ms) WHERE delete_after_ms IS NOT NULL;
        CREATE TABLE groups(
            app \(text) NOT NULL,
            id \(text) NOT NULL,
            display_name \(text) NOT NULL,
            display_name_key \(text) NOT NULL,
            external_id \(text),
            scim \(text) NOT NULL,
            PRIMARY KEY(app, id)
        );
        CREATE INDEX groups_by_name ON groups(app, display_name_key);
        CREATE TABLE memberships(
            app \(text) NOT NULL,
            group_id \(text) NOT NULL,
            user_id \(text) NOT NULL,
            PRIMARY KEY(app, group_id, user_id)
        );
        CREATE INDEX memberships_by_user ON memberships(app, user_id);
        CREATE TABLE events(
            seq BIGSERIAL PRIMARY KEY,
            time_ms BIGINT NOT NULL,
            run BIGINT NOT NULL,
            app \(text) NOT NULL,
            user_name \(text),
            user_id \(text),
            external_id \(text),
            email \(text),
            action \(text) NOT NULL,
            status \(text) NOT NULL,
            reason \(text),
            changes \(text),
            source \(text) NOT NULL,
            user_key \(text),
            user_id_key \(text),
            external_id_key \(text),
            email_key \(text)
        );
        CREATE INDEX events_by_time ON events(time_ms, seq);
        CREATE INDEX events_by_app_time ON events(app, time_ms);
        CREATE INDEX events_by_run ON events(run);
        CREATE INDEX events_by_user ON events(user_key);
        CREATE INDEX events_by_user_id ON events(user_id_key);
        CREATE INDEX events_by_external_id ON events(external_id_key);
        CREATE INDEX events_by_email ON events(email_key);
        CREATE TABLE applied_records(
            app \(text) NOT NULL,
            high BIGINT NOT NULL,
            low BIGINT NOT NULL,
            run BIGINT NOT NULL,
            PRIMARY KEY(app, high, low)
        );
        CREATE TABLE checkpoints(
            job \(text) NOT NULL,
            path \(text) NOT NULL,
            device BIGINT NOT NULL,
            inode BIGINT NOT NULL,
            byte_offset BIGINT NOT NULL,
            line BIGINT NOT NULL,
            checksum BIGINT NOT NULL,
            PRIMARY KEY(job, path)
        );
        CREATE TABLE apps(
            key \(text) PRIMARY KEY,
            name \(text) NOT NULL
        );
        CREATE TABLE claims(
            app \(text) NOT NULL,
            id \(text) NOT NULL,
            time_ms BIGINT NOT NULL,
            run BIGINT NOT NULL,
            action \(text) NOT NULL,
            status \(text) NOT NULL,
            identity_type \(text),
            target_id \(text),
            user_name \(text),
            external_id \(text),
            source_id \(text),
            service_principal \(text),
            error_code \(text),
            error_reason \(text),
            changes \(text),
            source \(text) NOT NULL,
            target_id_key \(text),
            user_key \(text),
            external_id_key \(text),
            PRIMARY KEY(app, id)
        );
        CREATE INDEX claims_by_time ON claims(time_ms);
        CREATE INDEX claims_by_target ON claims(target_id_key);
        CREATE INDEX claims_by_user ON claims(user_key);
        CREATE INDEX claims_by_external_id ON claims(external_id_key);
        """,
        // 2: as SQLite's migration 2, `events_by_time` serves `--app` with a timespan and the
        // report's order; the index by app and time only cost every appended event an insert.
        """
        DROP INDEX IF EXISTS events_by_app_time;
        """,
        // 3: as SQLite's migration 6, the active users of an app in an index of their own, so the
        // count every run starts with (the deprovision guard's base) reads no user rows.
        """
        CREATE INDEX users_active ON users(app) WHERE active;
        """,
        // 4: as SQLite's migration 7, the digest of the row a user is exactly as (`RowDigest`).
        """
        ALTER TABLE users ADD COLUMN row_high bigint;
        ALTER TABLE users ADD COLUMN row_low bigint;
        CREATE INDEX users_by_row ON users(app, row_high, row_low) WHERE row_high IS NOT NULL;
        """,
    ]

    /// The advisory lock (transaction level) that serialises two runners migrating one database.
    static let migrationLock: Int64 = 0x7363_696D_7265_636F  // "scimreco"
}

/// A text array literal (`{"a","b"}`) for a `$n::text[]` parameter: every element quoted, its
/// `"` and `\` escaped.
func textArray(_ values: some Sequence<String>) -> String {
    arrayLiteral(values.lazy.map { Optional($0) })
}

/// A text array literal whose elements may be NULL (written as an unquoted `NULL`), built as
/// UTF-8 bytes: the users of a write-back batch pass through here, a few hundred kilobytes each.
func arrayLiteral(_ values: some Sequence<String?>) -> String {
    var bytes: [UInt8] = [UInt8(ascii: "{")]
    var first = true
    for value in values {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        guard var value else {
            bytes.append(contentsOf: "NULL".utf8)
            continue
        }
        bytes.append(UInt8(ascii: "\""))
        value.withUTF8 { text in
            var start = 0
            for index in text.indices where text[index] == UInt8(ascii: "\"") || text[index] == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<index]))
                bytes.append(UInt8(ascii: "\\"))
                start = index
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
    bytes.append(UInt8(ascii: "}"))
    return String(decoding: bytes, as: UTF8.self)
}

/// A bigint array literal for a `$n::bigint[]` parameter.
func integerArray(_ values: some Sequence<Int64>) -> String {
    "{" + values.map(String.init).joined(separator: ",") + "}"
}

/// Folding the way SQLite's built-in `lower()` does: ASCII letters only.
func asciiFolded(_ text: String) -> String {
    var bytes = Array(text.utf8)
    for index in bytes.indices where bytes[index] >= UInt8(ascii: "A") && bytes[index] <= UInt8(ascii: "Z") {
        bytes[index] += 32
    }
    return String(decoding: bytes, as: UTF8.self)
}
