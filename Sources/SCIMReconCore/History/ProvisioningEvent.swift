import SCIMKit

/// What a provisioning event did to a local user or group.
public enum ProvisioningAction: String, Sendable, Hashable, CaseIterable, Codable {
    case create, update, enable, disable, delete
    case groupCreate = "group-create"
    case groupUpdate = "group-update"
    case groupDelete = "group-delete"
    case memberAdd = "member-add"
    case memberRemove = "member-remove"

    /// Whether this action takes a user away (a deprovision, counted by the guard).
    public var isDeprovision: Bool { self == .disable || self == .delete }
}

/// Whether an event was applied, refused by policy or by the endpoint, or failed.
public enum EventStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case success, skipped, failure
}

/// One changed local attribute. `nil` means the attribute was absent.
public struct AttributeChange: Sendable, Hashable {
    public var attribute: String
    public var old: String?
    public var new: String?

    public init(attribute: String, old: String?, new: String?) {
        self.attribute = attribute
        self.old = old
        self.new = new
    }
}

/// One decision in the provisioning history (SPEC §6).
public struct ProvisioningEvent: Sendable, Hashable {
    /// When the source did it.
    public var time: Timestamp
    /// The run that recorded it.
    public var run: Int64
    public var app: String
    /// The end-user identifier (userName), or the group's displayName for group actions.
    public var user: String?
    /// The SCIM id.
    public var userID: String?
    public var externalID: String?
    public var action: ProvisioningAction
    public var status: EventStatus
    /// For skipped and failed events: a stable code, a colon, then a sentence.
    public var reason: String?
    /// What changed, in local attribute names.
    public var changes: [AttributeChange]
    /// Where the event came from: `file:line` or `file#operation`.
    public var source: String

    public init(
        time: Timestamp, run: Int64, app: String, user: String?, userID: String?, externalID: String?,
        action: ProvisioningAction, status: EventStatus, reason: String? = nil,
        changes: [AttributeChange] = [], source: String
    ) {
        self.time = time
        self.run = run
        self.app = app
        self.user = user
        self.userID = userID
        self.externalID = externalID
        self.action = action
        self.status = status
        self.reason = reason
        self.changes = changes
        self.source = source
    }
}
