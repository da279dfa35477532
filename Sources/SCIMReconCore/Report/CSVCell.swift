/// How one CSV cell is written: RFC 4180 quoting, plus OWASP's CSV-injection defence.
///
/// A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return would be taken for a
/// formula by a spreadsheet; it gets a leading `'` (which spreadsheets show as text and do not
/// display). The cell is then quoted when it holds a comma, a double quote, CR or LF, with inner
/// quotes doubled. Everything else is written as is, in UTF-8.
public enum CSVCell {
    /// The line ending between rows (RFC 4180).
    public static let rowTerminator: [UInt8] = [0x0D, 0x0A]

    /// Whether a spreadsheet would read a cell with this first byte as a formula.
    @inlinable
    public static func needsNeutralising(firstByte: UInt8) -> Bool {
        switch firstByte {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: return true
        default: return false
        }
    }

    /// Appends `text` as one cell (neutralised, then quoted when needed).
    public static func append(_ text: String, to buffer: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in append(utf8: utf8, to: &buffer) }
    }

    /// Appends UTF-8 bytes as one cell.
    public static func append(utf8: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        let neutralise = utf8.first.map(needsNeutralising(firstByte:)) ?? false
        let quote = utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }
        if quote { buffer.append(0x22) }
        if neutralise { buffer.append(UInt8(ascii: "'")) }
        if quote {
            for byte in utf8 {
                if byte == 0x22 { buffer.append(0x22) }
                buffer.append(byte)
            }
            buffer.append(0x22)
        } else {
            buffer.append(contentsOf: utf8)
        }
    }

    /// Appends a row of cells separated by commas and ended by CRLF.
    public static func appendRow(_ cells: [String], to buffer: inout [UInt8]) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { buffer.append(0x2C) }
            append(cell, to: &buffer)
        }
        buffer.append(contentsOf: rowTerminator)
    }
}
