import SCIMReconCore

/// The exit codes scripts rely on (SPEC §2), in one table.
enum ExitStatus: Int32, CaseIterable {
    /// Success.
    case success = 0
    /// Finished, but some records failed (they are in the history).
    case recordsFailed = 1
    /// A usage or job-file error.
    case usage = 2
    /// A safety guard stopped the run; nothing applied.
    case guardStopped = 3
    /// An input could not be read, or a record failed under `on_error: abort`; nothing applied.
    case inputFailed = 4
    /// A fault of scimrecon itself (an error no rule classifies); please report it.
    case internalError = 70
    /// The run was applied and committed, but one of its reports could not be written
    /// (`EX_CANTCREAT`); the message gives the commands that regenerate each missing report.
    case reportNotWritten = 73
    /// The store or a report could not be written; nothing applied.
    case outputFailed = 74
    /// Another run holds the store's lock; cron may retry later.
    case locked = 75

    /// One line for `--help`.
    var meaning: String {
        switch self {
        case .success: return "success"
        case .recordsFailed: return "finished, but some records failed (they are in the history)"
        case .usage: return "usage or job-file error"
        case .guardStopped: return "a safety guard stopped the run; nothing applied"
        case .inputFailed:
            return "an input could not be read, or a record failed under on_error: abort; nothing applied"
        case .reportNotWritten: return "the run was applied, but a report could not be written (see the message)"
        case .outputFailed: return "the store or a report could not be written; nothing applied"
        case .locked: return "another run holds the store's lock; try again later"
        case .internalError: return "internal error"
        }
    }

    init(_ kind: FailureKind) {
        switch kind {
        case .usage: self = .usage
        case .partialFailure: self = .recordsFailed
        case .guardStopped: self = .guardStopped
        case .input: self = .inputFailed
        case .output: self = .outputFailed
        case .locked: self = .locked
        }
    }
}

/// Ends a command with a status other than success, after it has said why on stderr.
struct CommandExit: Error {
    var status: ExitStatus
}

/// A usage problem found by a command itself (a bad timespan, an unknown action…): exit 2.
struct UsageError: ClassifiedError {
    var message: String
    var kind: FailureKind { .usage }
    var description: String { message }
}
