/// Why a JSON text was refused, and the byte offset where the parser found out.
///
/// The message is a lowercase fragment. It never quotes the input, except a single offending
/// character or, for a duplicate key, the key's name cut to 64 characters: inputs carry tokens
/// and passwords, and an error message must not leak them.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The offset in bytes, from the start of the input, where the problem was found.
    public var offset: Int
    /// What was wrong, as a lowercase fragment (`unexpected end of input`).
    public var message: String

    /// Creates an error at `offset` saying `message`.
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    /// `offset N: message`.
    public var description: String { "offset \(offset): \(message)" }
}

extension JSONParseError {
    /// A short, safe name for one input byte: the character itself when it is printable ASCII,
    /// its hex value otherwise.
    static func describe(byte: UInt8) -> String {
        if byte > 0x20 && byte < 0x7F {
            return "'\(Character(Unicode.Scalar(byte)))'"
        }
        let hex = String(byte, radix: 16)
        return "byte 0x" + (hex.count == 1 ? "0" + hex : hex)
    }

    /// A key's name as an error may show it: at most 64 characters, control characters replaced.
    static func describe(key: String) -> String {
        var shown = ""
        var count = 0
        for scalar in key.unicodeScalars {
            if count == 64 {
                shown += "…"
                break
            }
            let value = scalar.value
            let unsafe = value < 0x20 || (value >= 0x7F && value < 0xA0) || value == 0x2028 || value == 0x2029
            shown.unicodeScalars.append(unsafe ? "?" : scalar)
            count += 1
        }
        return "'\(shown)'"
    }
}
