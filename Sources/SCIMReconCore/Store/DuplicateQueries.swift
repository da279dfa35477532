/// Users that look like one identity recorded twice (`users --duplicates`).
public struct DuplicateGroup: Sendable {
    /// Within one application, or the same identifier in several.
    public enum Scope: String, Sendable {
        case app
        case acrossApps = "across-apps"
    }

    public var scope: Scope
    /// `userName`, `email` or `externalId`.
    public var key: String
    /// The shared value, case-folded.
    public var value: String
    /// The application, for `app` scope.
    public var app: String?
    /// The users sharing it, by app then id.
    public var users: [LocalUser]

    public init(scope: Scope, key: String, value: String, app: String?, users: [LocalUser]) {
        self.scope = scope
        self.key = key
        self.value = value
        self.app = app
        self.users = users
    }
}

/// The store's look-ups for duplicate identities, grouped by the store itself so that memory
/// holds one group at a time.
public protocol DuplicateQueries: AnyObject {
    /// Calls `body` with each group: first users of one application sharing a case-folded
    /// userName, email or externalId (by app, key, value), then the same externalId or email
    /// in several applications. With `app`, only groups that include a user of it.
    func forEachDuplicate(app: String?, _ body: (DuplicateGroup) throws -> Void) throws
}
