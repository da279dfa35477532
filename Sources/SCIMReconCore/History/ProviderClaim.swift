import SCIMKit

/// What the provider says it did to one identity (a Microsoft Graph `provisioningObjectSummary`).
///
/// Claims are kept beside the history and never applied to users; `crosscheck` lines them up
/// with what the store recorded (SPEC §6.1).
public struct ProviderClaim: Sendable, Hashable {
    /// The action the provider reports, as Graph names it.
    public enum Action: String, Sendable, Hashable, CaseIterable {
        case create, update, delete, disable, stagedDelete, other
    }

    /// The outcome the provider reports.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case success, failure, skipped, warning
    }

    /// The record's own id: overlapping downloads are deduplicated by it.
    public var id: String
    /// When the provider acted (`activityDateTime`).
    public var time: Timestamp
    /// The application the claims were imported for (the job's app or `--app`).
    public var app: String
    /// The run that stored the claim.
    public var run: Int64
    public var action: Action
    public var status: Status
    /// `User` or `Group` (or a SCIM schema URN naming one), as the provider wrote it.
    public var identityType: String?
    /// The SCIM id in the application (`targetIdentity.id`); nil when the provider had none yet.
    public var targetID: String?
    /// The end-user identifier the provider names: the `userName` it sent, else the source's
    /// user principal name, else the target's display name.
    public var user: String?
    /// The `externalId` the provider sent, when it sent one.
    public var externalID: String?
    /// The source identity's id (the Entra object id).
    public var sourceID: String?
    /// The display name of the service principal (the enterprise application) that acted.
    public var servicePrincipal: String?
    /// `errorInformation.errorCode` of a failure, e.g. `EntryConflict`.
    public var errorCode: String?
    /// `errorInformation.reason`, first line only.
    public var errorReason: String?
    /// `modifiedProperties` under the provider's (target) attribute names; string booleans read
    /// as `true`/`false`.
    public var changes: [AttributeChange]
    /// Where the record came from: `file:line`.
    public var source: String

    /// A claim.
    public init(
        id: String, time: Timestamp, app: String, run: Int64, action: Action, status: Status,
        identityType: String? = nil, targetID: String? = nil, user: String? = nil, externalID: String? = nil,
        sourceID: String? = nil, servicePrincipal: String? = nil, errorCode: String? = nil,
        errorReason: String? = nil, changes: [AttributeChange] = [], source: String
    ) {
        self.id = id
        self.time = time
        self.app = app
        self.run = run
        self.action = action
        self.status = status
        self.identityType = identityType
        self.targetID = targetID
        self.user = user
        self.externalID = externalID
        self.sourceID = sourceID
        self.servicePrincipal = servicePrincipal
        self.errorCode = errorCode
        self.errorReason = errorReason
        self.changes = changes
        self.source = source
    }

    /// Whether the claim is about a group rather than a user.
    public var isGroup: Bool { identityType?.lowercased().hasSuffix("group") ?? false }
}
