/// Renders a syntax error as a message line, the (capped) text, and a caret under the offset.
enum CaretMessage {
    /// The most characters of the text echoed back.
    static let maximumEcho = 200

    /// `message at offset N`, then the text, then `^` under offset N.
    static func render(_ message: String, text: [Unicode.Scalar], offset: Int) -> String {
        let offset = min(max(offset, 0), text.count)
        var start = 0
        var end = text.count
        if text.count > maximumEcho {
            start = min(max(offset - maximumEcho / 2, 0), text.count - maximumEcho)
            end = start + maximumEcho
        }
        var echo = String.UnicodeScalarView()
        var caretColumn = offset - start
        if start > 0 {
            echo.append("…")
            caretColumn += 1
        }
        for scalar in text[start..<end] {
            // Control characters would break the alignment (and the line structure): show a space.
            echo.append(scalar.value < 0x20 || scalar.value == 0x7F ? " " : scalar)
        }
        if end < text.count { echo.append("…") }
        let caret = String(repeating: " ", count: caretColumn) + "^"
        return "\(message) at offset \(offset)\n\(String(echo))\n\(caret)"
    }
}
