/// A job file that cannot be read or is not a valid job: exit status 2.
///
/// Printed as `path:line: message` (`jobs/entra-nightly.yml:14: unknown key 'policy.delete_deactivatd'`),
/// or `path: message` when no line applies (`jobs/x.yml: cannot read: no such file`). The path is
/// the one the user gave; the line is 1-based.
public struct JobFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The job file as the user named it.
    public var path: String
    /// The 1-based line the problem is on, when it is on one.
    public var line: Int?
    /// A lowercase sentence fragment; names the key, never quotes a secret.
    public var message: String

    /// An error at `line` of `path` (nil: about the file as a whole).
    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    /// `path:line: message`, or `path: message` without a line.
    public var description: String {
        if let line { return "\(path):\(line): \(message)" }
        return "\(path): \(message)"
    }
}
