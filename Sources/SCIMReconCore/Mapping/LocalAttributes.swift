/// A user's attributes as the local store keeps them: local names to text values.
///
/// An absent attribute has no key (never an empty string). `active` is `"true"` or `"false"`.
public struct LocalAttributes: Sendable, Hashable {
    public var values: [String: String]

    /// Attributes from a dictionary of local names to values (taken as they are).
    public init(_ values: [String: String] = [:]) {
        self.values = values
    }

    /// The value of `name`, or nil when absent; setting nil or an empty string removes it.
    public subscript(name: String) -> String? {
        get { values[name] }
        set { values[name] = newValue.flatMap { $0.isEmpty ? nil : $0 } }
    }

    /// The end-user identifier.
    public var userName: String? { values["userName"] }
    /// The identifier the source keeps for the user.
    public var externalID: String? { values["externalId"] }
    public var displayName: String? { values["displayName"] }
    public var email: String? { values["email"] }
    /// Whether the user is active; nil when the mapping gave no `active`.
    public var active: Bool? { values["active"].map { $0 == "true" } }

    /// The attributes that differ from `old`, sorted by name: added, removed and changed ones.
    public func diff(from old: LocalAttributes) -> [AttributeChange] {
        let names = Set(values.keys).union(old.values.keys).sorted()
        return names.compactMap { name in
            let before = old.values[name]
            let after = values[name]
            return before == after ? nil : AttributeChange(attribute: name, old: before, new: after)
        }
    }
}
