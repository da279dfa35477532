/// One row of the provisioning history as the store holds it, for writers that copy columns
/// straight into their output (the CSV report) without building a `ProvisioningEvent`.
///
/// The text columns are borrowed from the store's buffers: they are valid only while the body
/// that receives the row runs, and `nil` stands for NULL.
public struct EventRow {
    public var time: Int64
    public var run: Int64
    public var app: UnsafeBufferPointer<UInt8>?
    public var user: UnsafeBufferPointer<UInt8>?
    public var userID: UnsafeBufferPointer<UInt8>?
    public var externalID: UnsafeBufferPointer<UInt8>?
    public var action: ProvisioningAction
    public var status: EventStatus
    public var reason: UnsafeBufferPointer<UInt8>?
    public var changes: EventRowChanges
    public var source: UnsafeBufferPointer<UInt8>?

    public init(
        time: Int64, run: Int64, app: UnsafeBufferPointer<UInt8>?, user: UnsafeBufferPointer<UInt8>?,
        userID: UnsafeBufferPointer<UInt8>?, externalID: UnsafeBufferPointer<UInt8>?, action: ProvisioningAction,
        status: EventStatus, reason: UnsafeBufferPointer<UInt8>?, changes: EventRowChanges,
        source: UnsafeBufferPointer<UInt8>?
    ) {
        self.time = time
        self.run = run
        self.app = app
        self.user = user
        self.userID = userID
        self.externalID = externalID
        self.action = action
        self.status = status
        self.reason = reason
        self.changes = changes
        self.source = source
    }
}

/// A row's attribute changes: spans over the stored JSON when it is plain (the usual case), else
/// decoded values.
public enum EventRowChanges {
    /// `spans` locate each change's strings inside `json`.
    case spans(json: UnsafeBufferPointer<UInt8>, [StoredChangeSpan])
    case decoded([AttributeChange])
}

/// Where one change's attribute, old and new value lie in the stored JSON (`nil`: absent).
public struct StoredChangeSpan: Equatable, Sendable {
    public var attribute: Range<Int>
    public var old: Range<Int>?
    public var new: Range<Int>?

    public init(attribute: Range<Int>, old: Range<Int>?, new: Range<Int>?) {
        self.attribute = attribute
        self.old = old
        self.new = new
    }

    /// Finds the changes in a stored `changes` column, `[{"attribute":…,"old":…,"new":…}, …]`,
    /// when every string in it is plain ASCII without escapes and every value is a string or
    /// null. Returns false for anything else (escapes, other values, a duplicate or missing key,
    /// malformed JSON): the caller then decodes the column with the full JSON parser, which
    /// reads the same changes or reports the corruption.
    public static func scan(_ bytes: UnsafeBufferPointer<UInt8>, into spans: inout [StoredChangeSpan]) -> Bool {
        spans.removeAll(keepingCapacity: true)
        var scanner = Scanner(bytes: bytes)
        guard scanner.take(UInt8(ascii: "[")) else { return false }
        if scanner.take(UInt8(ascii: "]")) { return scanner.atEnd }
        repeat {
            guard scanner.take(UInt8(ascii: "{")) else { return false }
            var attribute: Range<Int>?
            var old: Range<Int>??
            var new: Range<Int>??
            repeat {
                guard let key = scanner.string(), scanner.take(UInt8(ascii: ":")) else { return false }
                let value: Range<Int>?
                if let text = scanner.string() {
                    value = text
                } else if scanner.null() {
                    value = nil
                } else {
                    return false
                }
                switch scanner.keyword(key) {
                case .attribute:
                    guard attribute == nil, let value else { return false }
                    attribute = value
                case .old:
                    guard old == nil else { return false }
                    old = .some(value)
                case .new:
                    guard new == nil else { return false }
                    new = .some(value)
                case .other: return false
                }
            } while scanner.take(UInt8(ascii: ","))
            guard scanner.take(UInt8(ascii: "}")), let attribute else { return false }
            spans.append(StoredChangeSpan(attribute: attribute, old: old ?? nil, new: new ?? nil))
        } while scanner.take(UInt8(ascii: ","))
        return scanner.take(UInt8(ascii: "]")) && scanner.atEnd
    }

    private enum Key { case attribute, old, new, other }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        var atEnd: Bool {
            mutating get {
                skipSpace()
                return index == bytes.count
            }
        }

        /// Consumes `byte` (after any whitespace) when it is next.
        mutating func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// A plain string's contents: printable ASCII, no escapes; nil (consuming nothing that
        /// matters) otherwise.
        mutating func string() -> Range<Int>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return start..<(index - 1)
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { return nil }
                index += 1
            }
            return nil
        }

        mutating func null() -> Bool {
            skipSpace()
            guard index + 4 <= bytes.count, bytes[index] == UInt8(ascii: "n"), bytes[index + 1] == UInt8(ascii: "u"),
                bytes[index + 2] == UInt8(ascii: "l"), bytes[index + 3] == UInt8(ascii: "l")
            else { return false }
            index += 4
            return true
        }

        func keyword(_ range: Range<Int>) -> Key {
            func byte(_ offset: Int) -> UInt8 { bytes[range.lowerBound + offset] }
            switch range.count {
            case 3 where byte(0) == UInt8(ascii: "o") && byte(1) == UInt8(ascii: "l") && byte(2) == UInt8(ascii: "d"):
                return .old
            case 3 where byte(0) == UInt8(ascii: "n") && byte(1) == UInt8(ascii: "e") && byte(2) == UInt8(ascii: "w"):
                return .new
            case 9 where UnsafeBufferPointer(rebasing: bytes[range]).elementsEqual(Self.attribute):
                return .attribute
            default:
                return .other
            }
        }

        static let attribute = Array("attribute".utf8)
    }
}

/// A store that can hand its history rows over as `EventRow`s (the SQLite store does).
extension ProvisioningAction {
    /// The action a stored column names (nil for NULL or an unknown one). The bytes become a small
    /// `String` (held inline, no allocation) for the enum's own comparison.
    public init?(storedBytes bytes: UnsafeBufferPointer<UInt8>?) {
        guard let bytes, bytes.count <= 15 else { return nil }
        self.init(rawValue: String(decoding: bytes, as: UTF8.self))
    }
}

extension EventStatus {
    public init?(storedBytes bytes: UnsafeBufferPointer<UInt8>?) {
        guard let bytes, bytes.count <= 15 else { return nil }
        self.init(rawValue: String(decoding: bytes, as: UTF8.self))
    }
}

public protocol EventRowSource: StoreQueries {
    /// The rows `forEachEvent` would read for `filter`, in the same order, with the same checks.
    func forEachEventRow(_ filter: ReportFilter, _ body: (EventRow) throws -> Void) throws
}
