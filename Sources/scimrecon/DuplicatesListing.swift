import SCIMKit
import SCIMReconCore

extension UsersCommand {
    /// `users --duplicates`: one record per group of users that look like one identity.
    func listDuplicates() throws {
        guard user == nil else { throw UsageError(message: "--duplicates: cannot be combined with --user") }
        try options.list(
            what: "groups of duplicate identities", app: app, table: { _, _ in DuplicateRecord.table }
        ) { store, writer in
            var groups = 0
            guard let duplicates = store as? any DuplicateQueries else {
                throw UsageError(message: "--duplicates: this store cannot group duplicates")
            }
            try duplicates.forEachDuplicate(app: app) { group in
                groups += 1
                try writer.write(DuplicateRecord.object(group))
            }
            return groups
        }
    }
}

/// The `users --duplicates` record shape (documented in the README):
/// `{"scope": "app"|"across-apps", "key": "userName"|"email"|"externalId", "value": folded value,
/// "app": name or null, "count": n, "users": [{app, id, userName, externalId, email, active}]}`.
enum DuplicateRecord {
    static let table = RecordTable(
        root: "duplicates", element: "duplicate", csvColumns: ["scope", "key", "value", "app", "count", "users"])

    static func object(_ group: DuplicateGroup) -> JSONObject {
        func string(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return JSONObject([
            "scope": .string(group.scope.rawValue), "key": .string(group.key), "value": .string(group.value),
            "app": string(group.app), "count": .number(String(group.users.count)),
            "users": .array(
                group.users.map { user in
                    .object(
                        JSONObject([
                            "app": .string(user.app), "id": .string(user.id), "userName": .string(user.userName),
                            "externalId": string(user.externalID), "email": string(user.email),
                            "active": .bool(user.active),
                        ]))
                }),
        ])
    }
}
