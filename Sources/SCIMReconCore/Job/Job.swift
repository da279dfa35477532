/// A job file, loaded and checked: what to read, how to map it and what the run may do (SPEC §4).
public struct Job: Sendable {
    /// The job's name (`entra-nightly`), used in report paths.
    public var name: String
    /// The application name recorded on every event (an input record's `app` overrides it).
    public var app: String
    /// The store location from the job (`store:`), if it names one.
    public var store: String?
    /// The inputs, in the order the job lists them.
    public var inputs: [JobInput]
    /// How an incoming user finds its local record, in order.
    public var match: [MatchKey]
    /// The default mapping with the job's `mapping:` entries laid over it.
    public var mapping: Mapping
    public var policy: Policy
    public var reports: [JobReport]
    /// The job file as the user named it, for messages.
    public var sourcePath: String

    /// A job with SPEC §2's defaults for everything but its name, app and inputs.
    public init(
        name: String, app: String, store: String? = nil, inputs: [JobInput], match: [MatchKey] = MatchKey.defaultOrder,
        mapping: Mapping = .default, policy: Policy = .default, reports: [JobReport] = [], sourcePath: String
    ) {
        self.name = name
        self.app = app
        self.store = store
        self.inputs = inputs
        self.match = match
        self.mapping = mapping
        self.policy = policy
        self.reports = reports
        self.sourcePath = sourcePath
    }
}

/// One `inputs:` entry: a glob of files in one format.
public struct JobInput: Sendable {
    /// A glob(3) pattern relative to the current directory; matching files are read in name order.
    public var path: String
    /// The format, or nil to detect it from each file's content.
    public var format: InputFormat?
    /// `import` (absent users are left alone) or `snapshot` (absent users are deprovisioned).
    ///
    /// When the job does not say, this is `snapshot` for `scim-list` and `import` otherwise; use
    /// `mode(for:)` once a detected format is known.
    public var mode: InputMode
    /// Whether the job file wrote `mode:` itself.
    public var modeIsExplicit: Bool
    /// CSV: lines before the header row.
    public var skip: Int
    /// CSV: header to SCIM path. When given, only these columns are read (the others are
    /// ignored); without it, every header is read as a SCIM path.
    public var columns: [CSVColumn]
    /// The line the entry starts on, for messages.
    public var line: Int
    /// The job file, for messages.
    public var jobPath: String

    /// An input with defaults for everything but its glob.
    public init(
        path: String, format: InputFormat? = nil, mode: InputMode? = nil, skip: Int = 0, columns: [CSVColumn] = [],
        line: Int = 0, jobPath: String = ""
    ) {
        self.path = path
        self.format = format
        self.mode = mode ?? (format == .scimList ? .snapshot : .import)
        self.modeIsExplicit = mode != nil
        self.skip = skip
        self.columns = columns
        self.line = line
        self.jobPath = jobPath
    }

    /// The mode for a file whose format turned out to be `format`: the job's `mode:` if it wrote
    /// one, else `snapshot` for a full export (`scim-list`) and `import` for everything else.
    public func mode(for format: InputFormat) -> InputMode {
        if modeIsExplicit { return mode }
        return format == .scimList ? .snapshot : .import
    }
}

/// One CSV column the job maps to a SCIM path.
public struct CSVColumn: Sendable, Hashable {
    /// The header as it appears in the file.
    public var column: String
    /// The SCIM path the column's values go to (`name.familyName`, `emails[type eq "work"].value`).
    public var path: String

    /// A column mapped to a SCIM path.
    public init(column: String, path: String) {
        self.column = column
        self.path = path
    }
}

/// What an input file holds (SPEC §3).
public enum InputFormat: String, Sendable, Hashable, CaseIterable {
    /// JSON Lines of SCIM requests (replayed).
    case scimLog = "scim-log"
    /// An RFC 7644 BulkRequest (replayed).
    case scimBulk = "scim-bulk"
    /// A full export of the source's users (a snapshot).
    case scimList = "scim-list"
    /// A user export with a header row.
    case csv
    /// Microsoft Graph provisioning logs.
    case graphLogs = "graph-logs"
}

/// Whether users absent from an input are deprovisioned.
public enum InputMode: String, Sendable, Hashable, CaseIterable {
    /// Create and update only; absent users are left alone.
    case `import`
    /// The input is everything: users of the app that are absent are deprovisioned.
    case snapshot
}

/// An identifier an incoming user is matched on.
public enum MatchKey: String, Sendable, Hashable, CaseIterable {
    case externalId, userName, id, email

    /// The order used when the job does not say: `[externalId, userName]`.
    public static let defaultOrder: [MatchKey] = [.externalId, .userName]

    /// The users column a store looks this key up in (the same in every store).
    public var storeColumn: String {
        switch self {
        case .id: return "id"
        case .userName: return "user_name_key"
        case .externalId: return "external_id"
        case .email: return "email_key"
        }
    }

    /// The user's value for this key, as stored (not folded).
    public func key(of user: LocalUser) -> String? {
        switch self {
        case .id: return user.id
        case .userName: return user.userName
        case .externalId: return user.externalID
        case .email: return user.email
        }
    }

    /// `value` as `storeColumn` holds it: userName and email lowercased (in Swift, so that every
    /// store folds alike), id and externalId exact.
    public func folded(_ value: String) -> String {
        self == .externalId || self == .id ? value : value.lowercasedIfNeeded()
    }
}

/// Which events a job's report covers before its filters narrow it.
public enum ReportScope: String, Sendable, Hashable, CaseIterable {
    /// The events this run recorded for the job's app, whatever their source times (the default).
    case run
    /// The whole stored history of the job's app.
    case history
}

/// One `reports:` entry: a report written after each run, resolved when the job loads (format,
/// scope and filters checked with their line), so a bad entry stops `validate`, never a run.
public struct JobReport: Sendable, Hashable {
    public var format: ReportFormat
    /// The output path template: `{name}`, `{app}`, `{date}` and `{run}` are filled in.
    public var output: String
    public var scope: ReportScope
    /// The `since:` filter as written (a timespan form `TimeSpec` accepts, checked at load).
    public var since: String?
    /// The `until:` filter as written.
    public var until: String?
    /// `user:` filters (OR-ed).
    public var users: [String]
    /// `action:` filters (OR-ed).
    public var actions: [ProvisioningAction]
    /// `status:` filters (OR-ed).
    public var statuses: [EventStatus]
    /// The line the entry starts on, for messages.
    public var line: Int

    /// The placeholders `output` may use.
    public static let placeholders = ["name", "app", "date", "run"]

    /// A report entry; the filters default to none and the scope to the run's own events.
    public init(
        format: ReportFormat, output: String, scope: ReportScope = .run, since: String? = nil, until: String? = nil,
        users: [String] = [], actions: [ProvisioningAction] = [], statuses: [EventStatus] = [], line: Int = 0
    ) {
        self.format = format
        self.output = output
        self.scope = scope
        self.since = since
        self.until = until
        self.users = users
        self.actions = actions
        self.statuses = statuses
        self.line = line
    }

    /// The events this report holds after run `run` of `app`: the run's own events (or the
    /// app's whole history with `scope: history`), narrowed by the entry's filters.
    public func filter(run: Int64, app: String, now: Timestamp) throws(TimeSpecError) -> ReportFilter {
        ReportFilter(
            users: users, apps: [app],
            since: try since.map { text throws(TimeSpecError) in
                try TimeSpec.parse(text, now: now)
            },
            until: try until.map { text throws(TimeSpecError) in try TimeSpec.parse(text, now: now) },
            actions: actions, statuses: statuses, runs: scope == .run ? [run] : [])
    }

    /// The output path with its placeholders filled in.
    ///
    /// `{name}` and `{app}` are made safe for a file name (anything but letters, digits, `.`, `_`
    /// and `-` becomes `-`), so `Azure AD` gives `Azure-AD` and an app name cannot climb directories.
    public func outputPath(name: String, app: String, date: String, run: Int64) -> String {
        var text = output
        text = text.replacingEvery("{name}", with: JobReport.fileNameSafe(name))
        text = text.replacingEvery("{app}", with: JobReport.fileNameSafe(app))
        text = text.replacingEvery("{date}", with: date)
        return text.replacingEvery("{run}", with: String(run))
    }

    static func fileNameSafe(_ text: String) -> String {
        let safe = String(
            text.map { character -> Character in
                character.isASCII && (character.isLetter || character.isNumber || "._-".contains(character))
                    ? character : "-"
            })
        return safe.allSatisfy { $0 == "." } ? "-" : safe
    }
}

extension String {
    /// The string with every occurrence of `target` replaced (no Foundation needed).
    func replacingEvery(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
