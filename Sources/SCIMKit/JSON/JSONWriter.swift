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
            let members = sortedKeys ? sortedByBytes(object.members) : object.members
            for (position, member) in members.enumerated() {
                if position > 0 { buffer.append(UInt8(ascii: ",")) }
                writeString(member.key, into: &buffer)
                buffer.append(UInt8(ascii: ":"))
                write(member.value, sortedKeys: sortedKeys, into: &buffer)
            }
            buffer.append(UInt8(ascii: "}"))
        }
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
            while index < bytes.count {
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

    /// The members in UTF-8 byte order of their names; equal names keep their order.
    private static func sortedByBytes(_ members: [JSONObject.Member]) -> [JSONObject.Member] {
        let inOrder = zip(members, members.dropFirst()).allSatisfy { pair in
            !pair.1.key.utf8.lexicographicallyPrecedes(pair.0.key.utf8)
        }
        if inOrder { return members }
        return members.indices.sorted { left, right in
            let leftKey = members[left].key.utf8
            let rightKey = members[right].key.utf8
            if leftKey.elementsEqual(rightKey) { return left < right }
            return leftKey.lexicographicallyPrecedes(rightKey)
        }.map { members[$0] }
    }
}
