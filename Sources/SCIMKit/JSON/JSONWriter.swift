/// Serializes `JSONValue`s as compact UTF-8 JSON text: no whitespace, keys sorted by default.
///
/// - Keys are sorted by their UTF-8 bytes (the order `sort` and most tools use), members with
///   the same name keep their order; with `sortedKeys: false` members stay in their own order.
/// - Strings escape only what they must (`"`, `\`, control characters as `\n` `\r` `\t` `\b`
///   `\f` or `\u00XX`), plus U+2028 and U+2029 so the output is also safe inside JavaScript.
///   `/` and other non-ASCII characters are written as they are.
/// - A number is written as its literal. A `.number` built in code whose literal is not a JSON
///   number (`"NaN"`, `"1."`) is written as a string of that text, so the output always parses.
public enum JSONWriter {
    /// Appends `value` as compact JSON to `buffer`.
    public static func write(_ value: JSONValue, sortedKeys: Bool = true, into buffer: inout [UInt8]) {
        switch value {
        case .null:
            buffer.append(contentsOf: "null".utf8)
        case .bool(let flag):
            buffer.append(contentsOf: flag ? "true".utf8 : "false".utf8)
        case .number(let literal):
            if JSONNumberGrammar.isValid(literal) {
                buffer.append(contentsOf: literal.utf8)
            } else {
                writeString(literal, into: &buffer)
            }
        case .string(let text):
            writeString(text, into: &buffer)
        case .array(let elements):
            buffer.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { buffer.append(UInt8(ascii: ",")) }
                write(element, sortedKeys: sortedKeys, into: &buffer)
            }
            buffer.append(UInt8(ascii: "]"))
        case .object(let object):
            buffer.append(UInt8(ascii: "{"))
            let members = object.members
            if let order = sortedKeys ? byteOrder(of: members) : nil {
                for (position, key) in order.enumerated() {
                    if position > 0 { buffer.append(UInt8(ascii: ",")) }
                    write(members[key.index], sortedKeys: sortedKeys, into: &buffer)
                }
            } else {
                for (position, member) in members.enumerated() {
                    if position > 0 { buffer.append(UInt8(ascii: ",")) }
                    write(member, sortedKeys: sortedKeys, into: &buffer)
                }
            }
            buffer.append(UInt8(ascii: "}"))
        }
    }

    private static func write(_ member: JSONObject.Member, sortedKeys: Bool, into buffer: inout [UInt8]) {
        writeString(member.key, into: &buffer)
        buffer.append(UInt8(ascii: ":"))
        write(member.value, sortedKeys: sortedKeys, into: &buffer)
    }

    /// `value` as compact JSON text.
    public static func string(_ value: JSONValue, sortedKeys: Bool = true) -> String {
        var buffer: [UInt8] = []
        write(value, sortedKeys: sortedKeys, into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Appends `text` as a quoted, escaped JSON string to `buffer`.
    public static func writeString(_ text: String, into buffer: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            buffer.append(UInt8(ascii: "\""))
            var runStart = 0
            var index = 0
            while true {
                index = firstCandidate(in: bytes, from: index)
                guard index < bytes.count else { break }
                let byte = bytes[index]
                let escapeLength: Int
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 {
                    escapeLength = 1
                } else if byte == 0xE2 && index + 2 < bytes.count && bytes[index + 1] == 0x80
                    && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9)
                {
                    escapeLength = 3
                } else {
                    index += 1
                    continue
                }
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                appendEscape(of: bytes, at: index, into: &buffer)
                index += escapeLength
                runStart = index
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
            buffer.append(UInt8(ascii: "\""))
        }
    }

    /// The index of the first byte from `start` on that may need escaping (a quote, a
    /// backslash, a control character or 0xE2, the lead byte of U+2028 and U+2029), or the end.
    ///
    /// Eight bytes at a time with the "has a zero byte" bit trick, whose lowest flag is exact.
    @inline(__always)
    private static func firstCandidate(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var index = start
        if let base = bytes.baseAddress {
            while bytes.count - index >= 8 {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                let quotes = word ^ (ones &* 0x22)
                let backslashes = word ^ (ones &* 0x5C)
                let leads = word ^ (ones &* 0xE2)
                var flagged = (quotes &- ones) & ~quotes
                flagged |= (backslashes &- ones) & ~backslashes
                flagged |= (leads &- ones) & ~leads
                flagged |= (word &- ones &* 0x20) & ~word
                flagged &= highs
                if flagged != 0 { return index + flagged.trailingZeroBitCount >> 3 }
                index += 8
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte == 0xE2 { break }
            index += 1
        }
        return index
    }

    private static func appendEscape(of bytes: UnsafeBufferPointer<UInt8>, at index: Int, into buffer: inout [UInt8]) {
        let byte = bytes[index]
        buffer.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): buffer.append(byte)
        case 0x0A: buffer.append(UInt8(ascii: "n"))
        case 0x0D: buffer.append(UInt8(ascii: "r"))
        case 0x09: buffer.append(UInt8(ascii: "t"))
        case 0x08: buffer.append(UInt8(ascii: "b"))
        case 0x0C: buffer.append(UInt8(ascii: "f"))
        case 0xE2: buffer.append(contentsOf: (bytes[index + 2] == 0xA8 ? "u2028" : "u2029").utf8)
        default:
            buffer.append(contentsOf: "u00".utf8)
            buffer.append(hexDigit(byte >> 4))
            buffer.append(hexDigit(byte & 0x0F))
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// The members' positions in UTF-8 byte order of their names (equal names keep their
    /// order), or nil when they are in that order already.
    ///
    /// Names are compared by their first eight bytes as one big-endian integer first, which
    /// settles most comparisons without looking at the strings again.
    private static func byteOrder(of members: [JSONObject.Member]) -> [(prefix: UInt64, index: Int)]? {
        guard members.count > 1 else { return nil }
        var keys: [(prefix: UInt64, index: Int)] = []
        keys.reserveCapacity(members.count)
        var inOrder = true
        for (index, member) in members.enumerated() {
            var key = member.key
            let prefix = key.withUTF8 { bytes in
                var prefix: UInt64 = 0
                for offset in 0..<min(bytes.count, 8) { prefix |= UInt64(bytes[offset]) << UInt64(56 - offset * 8) }
                return prefix
            }
            if let last = keys.last, inOrder, !precedesOrEqual(last, (prefix, index), members) { inOrder = false }
            keys.append((prefix, index))
        }
        if inOrder { return nil }
        if keys.count > 16 {
            keys.sort { left, right in precedesOrEqual(left, right, members) && left.index != right.index }
            return keys
        }
        // Insertion sort: stable, and the fastest for the few members of a typical object.
        for sorted in 1..<keys.count {
            let key = keys[sorted]
            var slot = sorted
            while slot > 0 && !precedesOrEqual(keys[slot - 1], key, members) {
                keys[slot] = keys[slot - 1]
                slot -= 1
            }
            keys[slot] = key
        }
        return keys
    }

    /// Whether the name of `left` sorts before `right`'s, or they are the same name and `left`
    /// came first.
    private static func precedesOrEqual(
        _ left: (prefix: UInt64, index: Int), _ right: (prefix: UInt64, index: Int), _ members: [JSONObject.Member]
    ) -> Bool {
        if left.prefix != right.prefix { return left.prefix < right.prefix }
        let leftKey = members[left.index].key.utf8
        let rightKey = members[right.index].key.utf8
        if leftKey.elementsEqual(rightKey) { return left.index <= right.index }
        return leftKey.lexicographicallyPrecedes(rightKey)
    }
}
