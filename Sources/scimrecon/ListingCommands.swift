import ArgumentParser
import SCIMKit
import SCIMReconCore

/// The options every listing shares: where the store is, the format, where output goes.
struct ListingOptions: ParsableArguments {
    @Option(help: "The store: a SQLite file path.") var store: String?
    @Option(help: "json, jsonl, csv, xml or html.") var format: String = "json"
    @Option(help: "Write to this file (atomically) instead of stdout.") var output: String?

    /// Opens the store for reading and a record writer for the table `table` chooses, and runs
    /// `body` inside one read transaction, so a listing never sees half a run.
    func list(
        table: (ReportFormat, any StoreQueries) throws -> RecordTable,
        _ body: (any StoreQueries, any RecordWriter) throws -> Void
    ) throws {
        let listFormat = try OutputFormat.parse(format)
        let queries = try StoreAccess.open(StoreAccess.location(option: store), writable: false)
        try ReportOptions.withOutput(output) { sink in
            try queries.reading {
                let writer = makeRecordWriter(listFormat, table: try table(listFormat, queries), sink: sink)
                try writer.begin()
                try body(queries, writer)
                try writer.finish()
            }
        }
    }
}

/// `scimrecon users`: the local store's users as they are now.
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "users", abstract: "List the store's users.")

    @OptionGroup var options: ListingOptions
    @Option(help: "Only this application's users.") var app: String?
    @Option(help: "userName, email, externalId or SCIM id; * is a wildcard.") var user: String?
    @Flag(help: "Users of one app sharing a userName, email or externalId; an externalId or email across apps.")
    var duplicates = false

    func run() throws {
        if duplicates { return try listDuplicates() }
        try options.list(table: { format, store in
            // CSV needs every column up front: one pass for the custom attribute names first.
            guard format == .csv else { return .users }
            var custom = Set<String>()
            try store.forEachUser(app: app, user: user) { local, _ in
                custom.formUnion(local.attributes.keys.filter { !UserRecord.standard.contains($0) })
            }
            return .users(customColumns: custom.sorted())
        }) { store, writer in
            try store.forEachUser(app: app, user: user) { local, groups in
                try writer.write(UserRecord.object(local, groups: groups))
            }
        }
    }
}

/// `scimrecon groups`: the local store's groups and their members.
struct GroupsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "groups", abstract: "List the store's groups.")

    @OptionGroup var options: ListingOptions
    @Option(help: "Only this application's groups.") var app: String?

    func run() throws {
        try options.list(table: { _, _ in .groups }) { store, writer in
            try store.forEachGroup(app: app) { group, members in
                try writer.write(
                    JSONObject([
                        "app": .string(group.app), "id": .string(group.id), "displayName": .string(group.displayName),
                        "externalId": group.externalID.map(JSONValue.string) ?? .null,
                        "members": .array(members.map(JSONValue.string)),
                    ]))
            }
        }
    }
}

/// `scimrecon runs`: one row per run.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "List the runs recorded.")

    @OptionGroup var options: ListingOptions

    func run() throws {
        try options.list(table: { _, _ in .runs }) { store, writer in
            try store.forEachRun { try writer.write($0.record) }
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
