/// The JSON number grammar (RFC 8259 §6), shared by the parser and the writer.
///
/// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
enum JSONNumberGrammar {
    /// The end of the number that starts at `start`, or nil when no number starts there.
    ///
    /// Only the number is checked: what follows it (`01` ends after `0`) is the caller's concern.
    @inline(__always)
    static func scan(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int? {
        var index = start
        if index < end && base[index] == UInt8(ascii: "-") { index += 1 }
        guard index < end else { return nil }
        if base[index] == UInt8(ascii: "0") {
            index += 1
        } else if isDigit(base[index]) {
            index = skipDigits(base, from: index + 1, to: end)
        } else {
            return nil
        }
        if index < end && base[index] == UInt8(ascii: ".") {
            let digits = index + 1
            index = skipDigits(base, from: digits, to: end)
            guard index > digits else { return nil }
        }
        if index < end && (base[index] == UInt8(ascii: "e") || base[index] == UInt8(ascii: "E")) {
            index += 1
            if index < end && (base[index] == UInt8(ascii: "+") || base[index] == UInt8(ascii: "-")) { index += 1 }
            let digits = index
            index = skipDigits(base, from: digits, to: end)
            guard index > digits else { return nil }
        }
        return index
    }

    /// Whether `literal` is exactly one JSON number.
    static func isValid(_ literal: String) -> Bool {
        var literal = literal
        return literal.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return false }
            return scan(base, from: 0, to: bytes.count) == bytes.count
        }
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    @inline(__always)
    static func skipDigits(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int {
        var index = start
        while index < end && isDigit(base[index]) { index += 1 }
        return index
    }
}
