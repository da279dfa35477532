import SCIMKit

// TEMPORARY: stands in for SCIMKit's `JSONWriter` (branch `json`) until that branch is merged;
// delete this file at the merge. Same signatures, so callers do not change.

/// Stand-in for `SCIMKit.JSONWriter`.
enum JSONWriter {
    /// Appends `s` as a quoted JSON string.
    static func writeString(_ s: String, into buffer: inout [UInt8]) {
        buffer.append(0x22)
        for byte in s.utf8 {
            switch byte {
            case 0x22: buffer.append(contentsOf: [0x5C, 0x22])
            case 0x5C: buffer.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: buffer.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: buffer.append(contentsOf: [0x5C, 0x72])
            case 0x09: buffer.append(contentsOf: [0x5C, 0x74])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                buffer.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: buffer.append(byte)
            }
        }
        buffer.append(0x22)
    }

    /// Appends `value` as compact JSON.
    static func write(_ value: JSONValue, sortedKeys: Bool = true, into buffer: inout [UInt8]) {
        switch value {
        case .null: buffer.append(contentsOf: "null".utf8)
        case .bool(let flag): buffer.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let literal): buffer.append(contentsOf: literal.utf8)
        case .string(let text): writeString(text, into: &buffer)
        case .array(let elements):
            buffer.append(0x5B)
            for (index, element) in elements.enumerated() {
                if index > 0 { buffer.append(0x2C) }
                write(element, sortedKeys: sortedKeys, into: &buffer)
            }
            buffer.append(0x5D)
        case .object(let object):
            buffer.append(0x7B)
            for (index, member) in (sortedKeys ? object.sortedMembers : object.members).enumerated() {
                if index > 0 { buffer.append(0x2C) }
                writeString(member.key, into: &buffer)
                buffer.append(0x3A)
                write(member.value, sortedKeys: sortedKeys, into: &buffer)
            }
            buffer.append(0x7D)
        }
    }
}
