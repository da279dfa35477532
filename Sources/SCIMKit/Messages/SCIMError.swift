/// The `scimType` codes of RFC 7644 §3.12, spelled as on the wire.
public enum SCIMErrorType: String, Sendable, Hashable, CaseIterable {
    case invalidFilter
    case tooMany
    case uniqueness
    case mutability
    case invalidSyntax
    case invalidPath
    case noTarget
    case invalidValue
    case invalidVers
    case sensitive
}

/// A SCIM protocol error: an HTTP status, an optional `scimType` and a lowercase detail.
///
/// The detail never carries a secret or a raw input line; a filter or path error echoes the
/// filter (capped) with a caret under the offending offset, because that is what an
/// administrator needs to fix it.
public struct SCIMError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status the error maps to (400 for most request errors).
    public var status: Int
    /// The RFC 7644 error code, when one applies.
    public var scimType: SCIMErrorType?
    /// A lowercase fragment explaining the error.
    public var detail: String

    /// Creates an error from its three parts.
    public init(status: Int = 400, scimType: SCIMErrorType?, detail: String) {
        self.status = status
        self.scimType = scimType
        self.detail = detail
    }

    /// The error as `scimType: detail` (or `status N: detail` without a type).
    public var description: String {
        if let scimType { return "\(scimType.rawValue): \(detail)" }
        return "status \(status): \(detail)"
    }

    /// A 400 `invalidFilter` error.
    public static func invalidFilter(_ detail: String) -> SCIMError {
        SCIMError(scimType: .invalidFilter, detail: detail)
    }

    /// A 400 `invalidPath` error.
    public static func invalidPath(_ detail: String) -> SCIMError {
        SCIMError(scimType: .invalidPath, detail: detail)
    }

    /// A 400 `invalidValue` error.
    public static func invalidValue(_ detail: String) -> SCIMError {
        SCIMError(scimType: .invalidValue, detail: detail)
    }

    /// A 400 `invalidSyntax` error.
    public static func invalidSyntax(_ detail: String) -> SCIMError {
        SCIMError(scimType: .invalidSyntax, detail: detail)
    }

    /// A 400 `mutability` error.
    public static func mutability(_ detail: String) -> SCIMError {
        SCIMError(scimType: .mutability, detail: detail)
    }

    /// A 400 `noTarget` error.
    public static func noTarget(_ detail: String) -> SCIMError {
        SCIMError(scimType: .noTarget, detail: detail)
    }
}
