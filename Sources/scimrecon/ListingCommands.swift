import ArgumentParser
import SCIMKit
import SCIMReconCore

/// The options every listing shares: where the store is, the format, where output goes.
struct ListingOptions: ParsableArguments {
    @Option(help: "The store: a SQLite file path or a postgres:// URL.") var store: String?
    @Option(help: "json, jsonl, csv, xml or html (default: from the --output file's extension, else json).")
    var format: String?
    @Option(help: "Write to this file (atomically) instead of stdout.") var output: String?

    /// Opens the store for reading and a record writer for the table `table` chooses, and runs
    /// `body` inside one read transaction, so a listing never sees half a run.
    /// Returns how many records it wrote; `what` names them on stderr (`3 users`), with the
    /// reason when there are none and `app` names an application the store does not have.
    func list(
        what: String, app: String? = nil, pattern: String? = nil,
        table: (ReportFormat, any StoreQueries) throws -> RecordTable,
        _ body: (any StoreQueries, any RecordWriter) throws -> Int
    ) throws {
        let listFormat = try OutputFormat.resolve(format, output: output)
        let queries = try StoreAccess.open(StoreAccess.location(option: store), writable: false)
        var count = 0
        try ReportOptions.withOutput(output) { sink in
            try queries.reading {
                let writer = makeRecordWriter(listFormat, table: try table(listFormat, queries), sink: sink)
                try writer.begin()
                count = try body(queries, writer)
                try writer.finish()
            }
        }
        Diagnostics.info("scimrecon: \(count) \(what)\(app.map { " of \($0)" } ?? "")")
        guard count == 0 else { return }
        if let unknown = try EmptyResultExplanation.unknownApps(app.map { [$0] } ?? [], in: queries) {
            Diagnostics.info("scimrecon: \(unknown)")
        } else if let pattern {
            Diagnostics.info("scimrecon: no \(what.dropLast()) matches '\(pattern)'")
        }
    }
}

/// `scimrecon users`: the local store's users as they are now.
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "List the store's users.",
        discussion: HelpText.discussion(
            "scimrecon users --app 'Azure AD' --format json", "scimrecon users --user 'alice*' --output users.csv"))

    @OptionGroup var options: ListingOptions
    @Option(help: "Only this application's users.") var app: String?
    @Option(help: "userName, email, externalId or SCIM id; * is a wildcard.") var user: String?
    @Flag(help: "Users of one app sharing a userName, email or externalId; an externalId or email across apps.")
    var duplicates = false

    func run() throws {
        if duplicates { return try listDuplicates() }
        try options.list(
            what: "users", app: app, pattern: user,
            table: { format, store in
                // CSV needs every column up front: one pass for the custom attribute names first.
                guard format == .csv else { return .users }
                var custom = Set<String>()
                try store.forEachUser(app: app, user: user) { local, _ in
                    custom.formUnion(local.attributes.keys.filter { !UserRecord.standard.contains($0) })
                }
                return .users(customColumns: custom.sorted())
            }
        ) { store, writer in
            var count = 0
            try store.forEachUser(app: app, user: user) { local, groups in
                try writer.write(UserRecord.object(local, groups: groups))
                count += 1
            }
            return count
        }
    }
}

/// `scimrecon groups`: the local store's groups and their members.
struct GroupsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groups", abstract: "List the store's groups.",
        discussion: HelpText.discussion("scimrecon groups --app Okta --format jsonl"))

    @OptionGroup var options: ListingOptions
    @Option(help: "Only this application's groups.") var app: String?

    func run() throws {
        try options.list(what: "groups", app: app, table: { _, _ in .groups }) { store, writer in
            var count = 0
            try store.forEachGroup(app: app) { group, members in
                count += 1
                try writer.write(
                    JSONObject([
                        "app": .string(group.app), "id": .string(group.id), "displayName": .string(group.displayName),
                        "externalId": group.externalID.map(JSONValue.string) ?? .null,
                        "members": .array(members.map(JSONValue.string)),
                    ]))
            }
            return count
        }
    }
}

/// `scimrecon runs`: one row per run.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List the runs recorded.",
        discussion: HelpText.discussion("scimrecon runs --format csv"))

    @OptionGroup var options: ListingOptions

    func run() throws {
        try options.list(what: "runs", table: { _, _ in .runs }) { store, writer in
            var count = 0
            try store.forEachRun {
                try writer.write($0.record)
                count += 1
            }
            return count
        }
    }
}

/// The `users` record shape scripts rely on (SPEC §2).
enum UserRecord {
    static let standard: Set<String> = [
        "userName", "externalId", "displayName", "givenName", "familyName", "email", "active",
    ]

    static func object(_ user: LocalUser, groups: [String]) -> JSONObject {
        var object = JSONObject([
            "app": .string(user.app), "id": .string(user.id), "active": .bool(user.active),
            "groups": .array(groups.map(JSONValue.string)), "scim": .object(user.scim),
        ])
        for key in ["userName", "externalId", "displayName", "givenName", "familyName", "email"] {
            object[key] = user.attributes[key].map(JSONValue.string) ?? .null
        }
        for (key, value) in user.attributes.sorted(by: { $0.key < $1.key }) where !standard.contains(key) {
            guard object[key] == nil else { continue }
            object.append(key: key, value: .string(value))
        }
        return object
    }
}
