/// The two resource types SCIMKit knows the schema of.
public enum SCIMResourceType: String, Sendable, Hashable, CaseIterable {
    case user = "User"
    case group = "Group"

    /// The core schema of this resource type.
    public var coreSchema: SCIMSchema {
        switch self {
        case .user: return .user
        case .group: return .group
        }
    }

    /// The extension schemas SCIMKit knows for this resource type.
    public var extensionSchemas: [SCIMSchema] {
        switch self {
        case .user: return [.enterpriseUser]
        case .group: return []
        }
    }
}
