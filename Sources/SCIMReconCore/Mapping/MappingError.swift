/// A mapping that could not produce a record's local attributes, or a mapping that is invalid.
///
/// At run time it becomes the record's failure reason (the run goes on); at load time the job
/// loader turns it into a `file:line:` job error.
public struct MappingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The local attribute concerned (empty when not yet known).
    public var attribute: String
    /// A lowercase sentence fragment, e.g. `mapped userName is empty`.
    public var message: String

    public init(attribute: String, message: String) {
        self.attribute = attribute
        self.message = message
    }

    public var description: String { message }
}
