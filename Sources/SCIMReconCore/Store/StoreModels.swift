import SCIMKit

/// A user as the local store holds it: the mapped local attributes and the last full SCIM resource.
public struct LocalUser: Sendable, Hashable {
    public var app: String
    /// The SCIM id the provider uses in paths.
    public var id: String
    /// Mapped local attributes by local name (`userName`, `email`, custom ones…). `active` is not here.
    public var attributes: [String: String]
    public var active: Bool
    /// The last known full SCIM resource, `password` already dropped.
    public var scim: JSONObject
    /// When the user was disabled locally (deprovisioned), if it is.
    public var disabledAt: Timestamp?
    /// When a disabled user is due for deletion (grace period), if it is.
    public var deleteAfter: Timestamp?

    public init(
        app: String, id: String, attributes: [String: String], active: Bool, scim: JSONObject,
        disabledAt: Timestamp? = nil, deleteAfter: Timestamp? = nil
    ) {
        self.app = app
        self.id = id
        self.attributes = attributes
        self.active = active
        self.scim = scim
        self.disabledAt = disabledAt
        self.deleteAfter = deleteAfter
    }

    public var userName: String { attributes["userName"] ?? "" }
    public var externalID: String? { attributes["externalId"] }
    public var email: String? { attributes["email"] }
}

/// A group as the local store holds it. Members live in their own table, keyed by user SCIM id.
public struct LocalGroup: Sendable, Hashable {
    public var app: String
    public var id: String
    public var displayName: String
    public var externalID: String?
    /// The last known SCIM resource without its `members`.
    public var scim: JSONObject

    public init(app: String, id: String, displayName: String, externalID: String?, scim: JSONObject) {
        self.app = app
        self.id = id
        self.displayName = displayName
        self.externalID = externalID
        self.scim = scim
    }
}

/// How a run ended.
public enum RunOutcome: String, Sendable, Hashable, Codable {
    /// Everything read was applied or recorded.
    case success
    /// Finished, but some records failed (exit 1).
    case partial
    /// A safety guard stopped it; nothing applied (exit 3).
    case stopped
    /// A failing record with `on_error: abort`, or an unreadable input; nothing applied (exit 4).
    case aborted
    /// A dry run: planned, nothing applied.
    case dryRun = "dry-run"
}

/// One run of a job or an import, as the history keeps it.
public struct RunRecord: Sendable, Hashable {
    public var id: Int64
    public var job: String
    public var app: String
    public var started: Timestamp
    public var finished: Timestamp?
    public var outcome: RunOutcome?
    /// Why a guard stopped the run, or why it aborted.
    public var reason: String?
    /// Counts per action and status, e.g. `create.success`, and `read`, `get`, `unchanged`.
    public var counts: [String: Int]
    /// The input files read, with byte ranges.
    public var inputs: [String]

    public init(
        id: Int64, job: String, app: String, started: Timestamp, finished: Timestamp? = nil,
        outcome: RunOutcome? = nil, reason: String? = nil, counts: [String: Int] = [:], inputs: [String] = []
    ) {
        self.id = id
        self.job = job
        self.app = app
        self.started = started
        self.finished = finished
        self.outcome = outcome
        self.reason = reason
        self.counts = counts
        self.inputs = inputs
    }
}

/// Where the last run stopped reading one input file (SPEC §5, incremental runs).
public struct Checkpoint: Sendable, Hashable {
    /// The input's path as the job names it after glob expansion.
    public var path: String
    public var device: UInt64
    public var inode: UInt64
    /// Bytes consumed: always just past a complete line.
    public var offset: Int64
    /// Lines consumed, so that resumed reading keeps line numbers.
    public var line: Int
    /// A checksum of the bytes `[0, offset)`, to detect a rewritten file.
    public var checksum: UInt64

    public init(path: String, device: UInt64, inode: UInt64, offset: Int64, line: Int, checksum: UInt64) {
        self.path = path
        self.device = device
        self.inode = inode
        self.offset = offset
        self.line = line
        self.checksum = checksum
    }
}
