/// A mapping that could not produce a record's local attributes, or a mapping that is invalid.
///
/// At run time it becomes the record's failure reason (the run goes on); at load time the job
/// loader turns it into a `file:line:` job error.
public struct MappingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The local attribute concerned (empty when not yet known).
    public var attribute: String
    /// A lowercase sentence fragment, e.g. `mapped userName is empty`.
    public var message: String

    /// An error about the local attribute `attribute`.
    public init(attribute: String, message: String) {
        self.attribute = attribute
        self.message = message
    }

    /// The message alone: the caller adds the record's source or the job file's location.
    public var description: String { message }
}
