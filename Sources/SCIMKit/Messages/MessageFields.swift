import Foundation

/// Reads the small typed fields of SCIM messages, tolerant of numbers sent as strings.
enum MessageFields {
    /// An integer field: a JSON integer, or a string of one (`"status": "400"`); nil when absent.
    static func integer(_ object: JSONObject, _ key: String) throws -> Int? {
        switch object[key] {
        case nil, .null?: return nil
        case .number(let literal)?:
            if let value = Int(literal) { return value }
            if let value = Double(literal), value.rounded() == value, let exact = Int(exactly: value) { return exact }
        case .string(let text)?:
            if let value = Int(text.trimmingCharacters(in: .whitespaces)) { return value }
        default: break
        }
        throw SCIMError.invalidSyntax("'\(key)' must be an integer")
    }

    /// A string field; nil when absent or null.
    static func string(_ object: JSONObject, _ key: String) throws -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?: throw SCIMError.invalidSyntax("'\(key)' must be a string, not \(other.typeName)")
        }
    }
}
