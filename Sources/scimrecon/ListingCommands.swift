import ArgumentParser
import SCIMKit
import SCIMReconCore

/// `scimrecon users`: the local store's users as they are now.
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "users", abstract: "List the store's users.")

    @Option(help: "The store: a SQLite file path.") var store: String?
    @Option(help: "Only this application's users.") var app: String?
    @Option(help: "userName, email, externalId or SCIM id; * is a wildcard.") var user: String?
    @Option(help: "json, jsonl, csv or xml.") var format: String = "json"
    @Option(help: "Write to this file (atomically) instead of stdout.") var output: String?

    func run() throws {
        let listFormat = try OutputFormat.parse(format)
        let queries = try StoreAccess.open(StoreAccess.location(option: store), writable: false)
        try ReportOptions.withOutput(output) { sink in
            try queries.reading {
                var custom = Set<String>()
                // CSV needs every column up front: one pass for custom attribute names first.
                if listFormat == .csv {
                    try queries.forEachUser(app: app, user: user) { local, _ in
                        custom.formUnion(local.attributes.keys.filter { !UserRecord.standard.contains($0) })
                    }
                }
                let table = RecordTable(
                    root: "users", element: "user", csvColumns: UserRecord.csvColumns(custom: custom.sorted()))
                let writer = makeRecordWriter(listFormat, table: table, sink: sink)
                try writer.begin()
                try queries.forEachUser(app: app, user: user) { local, groups in
                    try writer.write(UserRecord.object(local, groups: groups))
                }
                try writer.finish()
            }
        }
    }
}

/// `scimrecon groups`: the local store's groups and their members.
struct GroupsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "groups", abstract: "List the store's groups.")

    @Option(help: "The store: a SQLite file path.") var store: String?
    @Option(help: "Only this application's groups.") var app: String?
    @Option(help: "json, jsonl, csv or xml.") var format: String = "json"
    @Option(help: "Write to this file (atomically) instead of stdout.") var output: String?

    func run() throws {
        let listFormat = try OutputFormat.parse(format)
        let queries = try StoreAccess.open(StoreAccess.location(option: store), writable: false)
        try ReportOptions.withOutput(output) { sink in
            let table = RecordTable(
                root: "groups", element: "group", csvColumns: ["app", "id", "displayName", "externalId", "members"])
            let writer = makeRecordWriter(listFormat, table: table, sink: sink)
            try queries.reading {
                try writer.begin()
                try queries.forEachGroup(app: app) { group, members in
                    try writer.write(
                        JSONObject([
                            "app": .string(group.app), "id": .string(group.id),
                            "displayName": .string(group.displayName),
                            "externalId": group.externalID.map(JSONValue.string) ?? .null,
                            "members": .array(members.map(JSONValue.string)),
                        ]))
                }
                try writer.finish()
            }
        }
    }
}

/// `scimrecon runs`: one row per run.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "List the runs recorded.")

    @Option(help: "The store: a SQLite file path.") var store: String?
    @Option(help: "json, jsonl, csv or xml.") var format: String = "json"
    @Option(help: "Write to this file (atomically) instead of stdout.") var output: String?

    func run() throws {
        let listFormat = try OutputFormat.parse(format)
        let queries = try StoreAccess.open(StoreAccess.location(option: store), writable: false)
        try ReportOptions.withOutput(output) { sink in
            let writer = makeRecordWriter(
                listFormat, table: RecordTable(root: "runs", element: "run", csvColumns: RunRecord.columns), sink: sink)
            try queries.reading {
                try writer.begin()
                try queries.forEachRun { try writer.write($0.record) }
                try writer.finish()
            }
        }
    }
}

/// The `users` record shape scripts rely on (SPEC §2).
enum UserRecord {
    static let standard: Set<String> = [
        "userName", "externalId", "displayName", "givenName", "familyName", "email", "active",
    ]

    static func csvColumns(custom: [String]) -> [String] {
        ["app", "id", "userName", "externalId", "displayName", "givenName", "familyName", "email", "active"] + custom
            + ["groups"]
    }

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
