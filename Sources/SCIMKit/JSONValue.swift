/// A JSON value as SCIM carries it.
///
/// Numbers keep the literal text they were written with, so that a large or precise number
/// round-trips exactly and nothing a provider sends is rounded on its way into the store.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number, as its JSON literal (`42`, `-1.5e3`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue {
    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The object, when this is an object.
    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The boolean, when this is a JSON boolean (no coercion; see `SCIMBoolean` for that).
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The number as a `Double`, when this is a number.
    public var doubleValue: Double? {
        if case .number(let literal) = self { return Double(literal) }
        return nil
    }

    /// Whether this is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// A short name of the JSON type, for error messages.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

/// A JSON object that keeps its members in the order they were read.
///
/// SCIM attribute names are case-insensitive (RFC 7643 §2.1), so the subscript finds a key in
/// any case: an exact match first, then the first case-insensitive one. Equality ignores member
/// order, so two objects that differ only in order are the same resource.
public struct JSONObject: Sendable, Hashable, Sequence {
    /// One member of an object.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSONValue

        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The members in the order they were read or added.
    public private(set) var members: [Member]

    public init() { members = [] }

    public init(_ members: [Member]) { self.members = members }

    public init(_ pairs: KeyValuePairs<String, JSONValue>) {
        members = pairs.map { Member(key: $0.key, value: $0.value) }
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    public var keys: [String] { members.map(\.key) }

    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }

    /// The index of the member named `key`: exact spelling first, then any case.
    public func index(forKey key: String) -> Int? {
        if let exact = members.firstIndex(where: { $0.key == key }) { return exact }
        return members.firstIndex(where: { $0.key.caseInsensitiveEquals(key) })
    }

    /// The value of `key`, found case-insensitively. Setting `nil` removes every member of that
    /// name in any case; setting a value replaces the first such member (taking the new spelling)
    /// and drops any other spelling of it, or appends.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let index = index(forKey: key) else { return nil }
            return members[index].value
        }
        set {
            guard let newValue else {
                members.removeAll { $0.key.caseInsensitiveEquals(key) }
                return
            }
            if let index = index(forKey: key) {
                members[index] = Member(key: key, value: newValue)
                var seen = false
                members.removeAll { member in
                    guard member.key.caseInsensitiveEquals(key) else { return false }
                    defer { seen = true }
                    return seen
                }
            } else {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    /// Appends a member without looking for an existing one (for parsers that keep duplicates).
    public mutating func append(key: String, value: JSONValue) {
        members.append(Member(key: key, value: value))
    }

    /// The members sorted by key, for deterministic output.
    public var sortedMembers: [Member] {
        members.sorted { $0.key < $1.key }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        return lhs.sortedMembers == rhs.sortedMembers
    }

    public func hash(into hasher: inout Hasher) {
        for member in sortedMembers {
            hasher.combine(member.key)
            hasher.combine(member.value)
        }
    }
}

extension String {
    /// Whether this string sorts before `other` by their UTF-8 bytes: the order of SQLite's
    /// `BINARY` and PostgreSQL's `"C"` collation, compared over contiguous bytes (the generic
    /// `utf8.lexicographicallyPrecedes` walks the views one index at a time).
    public func precedesByUTF8(_ other: String) -> Bool {
        var left = self
        var right = other
        return left.withUTF8 { leftBytes in
            right.withUTF8 { rightBytes in
                let common = Swift.min(leftBytes.count, rightBytes.count)
                var offset = 0
                while offset < common {
                    let a = leftBytes[offset]
                    let b = rightBytes[offset]
                    if a != b { return a < b }
                    offset += 1
                }
                return leftBytes.count < rightBytes.count
            }
        }
    }

    /// Case-insensitive comparison the way SCIM compares attribute names and case-inexact values.
    ///
    /// Attribute names are ASCII almost always, so bytes are folded directly; only a string with
    /// a non-ASCII byte pays for Unicode lower-casing (this check runs for every key look-up).
    @inlinable
    public func caseInsensitiveEquals(_ other: String) -> Bool {
        if self == other { return true }
        var left = self.utf8.makeIterator()
        var right = other.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil):
                return true
            case (let a?, let b?):
                if (a | b) >= 0x80 { return self.lowercased() == other.lowercased() }
                // Two different ASCII letters after an identical ASCII prefix: never equal.
                if a != b, Self.asciiLower(a) != Self.asciiLower(b) { return false }
            case (let a?, nil):
                // One is longer: only non-ASCII lower-casing could change a length.
                if a < 0x80, !IteratorSequence(left).contains(where: { $0 >= 0x80 }) { return false }
                return self.lowercased() == other.lowercased()
            case (nil, let b?):
                if b < 0x80, !IteratorSequence(right).contains(where: { $0 >= 0x80 }) { return false }
                return self.lowercased() == other.lowercased()
            }
        }
    }

    /// `lowercased()`, without a copy when there is nothing to lower: an ASCII string with no
    /// capital letter is returned as it is. Store keys and event columns fold every identifier,
    /// and most are lowercase already; `lowercased()` allocates a new string each time.
    @inlinable
    public func lowercasedIfNeeded() -> String {
        let plain = utf8.withContiguousStorageIfAvailable { bytes in
            !bytes.contains { $0 >= 0x80 || $0 &- 0x41 < 26 }
        }
        return plain == true ? self : lowercased()
    }

    @inlinable
    static func asciiLower(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }
}

extension StringProtocol {
    /// Whether the text starts with `urn:` in any letter case: a schema URN, where SCIM names an
    /// extension or qualifies an attribute. Compared by bytes, without a lowercased copy (every
    /// member of a resource being normalised is asked this).
    public var hasURNPrefix: Bool {
        var bytes = utf8.makeIterator()
        for expected in "urn:".utf8 {
            guard let byte = bytes.next(), String.asciiLower(byte) == expected else { return false }
        }
        return true
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements.map { JSONObject.Member(key: $0.0, value: $0.1) }))
    }
}
