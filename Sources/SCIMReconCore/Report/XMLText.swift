/// The rule for characters XML 1.0 cannot carry.
///
/// XML 1.0 (§2.2 `Char`) allows tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD and U+10000–U+10FFFF.
/// Swift strings cannot hold lone surrogates, so what remains to handle is the C0 controls other
/// than tab, LF and CR (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F) and U+FFFE / U+FFFF: each
/// is replaced by U+FFFD REPLACEMENT CHARACTER, one for one. The other formats (JSON, CSV) keep
/// such characters as they are, so the JSON report is the one to use for an exact value.
public enum XMLText {
    /// `text` with every character XML 1.0 cannot carry replaced by U+FFFD.
    public static func sanitized(_ text: String) -> String {
        guard text.utf8.contains(where: mayStartIllegal) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            result.append(isAllowed(scalar) ? scalar : "\u{FFFD}")
        }
        return String(result)
    }

    /// Whether XML 1.0 allows the character.
    public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return true
        case 0x00..<0x20: return false
        case 0xFFFE, 0xFFFF: return false
        default: return true
        }
    }

    /// A control byte, or 0xEF (the lead byte of U+FFFE / U+FFFF): only then is a slow look needed.
    private static func mayStartIllegal(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0xEF
    }
}
