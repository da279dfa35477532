/// What kind of run-level problem an error is; the executable maps each kind to its exit status.
public enum FailureKind: Sendable, Hashable {
    /// A usage or job-file error (exit 2).
    case usage
    /// Some records failed but the run finished (exit 1).
    case partialFailure
    /// A safety guard stopped the run; nothing applied (exit 3).
    case guardStopped
    /// An input could not be read, or a record failed under `on_error: abort`; nothing applied (exit 4).
    case input
    /// The store or a report could not be written; nothing applied (exit 74).
    case output
    /// Another run holds the store's lock (exit 75).
    case locked
}

/// An error that knows which kind of failure it is.
public protocol ClassifiedError: Error, CustomStringConvertible {
    var kind: FailureKind { get }
}

/// A problem with the store: it could not be opened, read or written, or another run holds it.
public struct StoreError: ClassifiedError, Sendable {
    public var kind: FailureKind
    public var message: String

    public init(kind: FailureKind = .output, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
