extension JSONParserState {
    /// Reads the string whose opening quote is at `pos`; says whether it had escapes.
    ///
    /// The common string (ASCII, no escapes) is scanned eight bytes at a time and becomes a
    /// `String` with one copy of its bytes.
    @inline(__always)
    mutating func parseString() throws(JSONParseError) -> (value: String, escaped: Bool) {
        let start = pos + 1
        let stop = scanPlainBytes(from: start)
        guard stop < end && base[stop] == UInt8(ascii: "\"") else {
            return try parseStringSlowly(start: start, from: stop)
        }
        pos = stop + 1
        return (makeString(from: start, to: stop), false)
    }

    /// Reads a member name whose opening quote is at `pos`, through the name cache when the
    /// parser keeps one; returns it with where it is and its first bytes.
    @inline(__always)
    mutating func parseKey() throws(JSONParseError) -> (name: String, span: JSONKeySpan) {
        let start = pos + 1
        let stop = scanPlainBytes(from: start)
        if stop < end && base[stop] == UInt8(ascii: "\"") {
            pos = stop + 1
            let count = stop - start
            let head = rawHead(from: start, count: count)
            let name =
                cachesKeys
                ? scratch.keyCache.name(base + start, count: count, head: head) : makeString(from: start, to: stop)
            return (name, JSONKeySpan(start: start, count: count, escaped: false, length: count, head: head))
        }
        let (name, escaped) = try parseStringSlowly(start: start, from: stop)
        let count = pos - 1 - start
        guard escaped else {
            let head = rawHead(from: start, count: count)
            return (name, JSONKeySpan(start: start, count: count, escaped: false, length: count, head: head))
        }
        var head: UInt64 = 0
        for (offset, byte) in name.utf8.prefix(8).enumerated() { head |= UInt64(byte) << UInt64(offset * 8) }
        return (name, JSONKeySpan(start: start, count: count, escaped: true, length: name.utf8.count, head: head))
    }

    /// The first eight of the `count` bytes at `start`, little-endian, zeros past `count`.
    @inline(__always)
    func rawHead(from start: Int, count: Int) -> UInt64 {
        if end - start >= 8 {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self))
            return count >= 8 ? word : word & ((1 << UInt64(count * 8)) &- 1)
        }
        var head: UInt64 = 0
        for offset in 0..<min(count, 8) { head |= UInt64(base[start + offset]) << UInt64(offset * 8) }
        return head
    }

    /// The index of the first byte from `start` on that is a quote, a backslash, a control
    /// character or not ASCII, or `end`.
    ///
    /// Eight bytes at a time, with the classic "has a zero byte" bit trick applied to the word
    /// XOR each special byte. The trick may flag bytes after a true hit, never before one, so
    /// the lowest flagged byte is exact.
    @inline(__always)
    func scanPlainBytes(from start: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var index = start
        while end - index >= 8 {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
            let quotes = word ^ (ones &* 0x22)
            let backslashes = word ^ (ones &* 0x5C)
            let hasQuote = (quotes &- ones) & ~quotes
            let hasBackslash = (backslashes &- ones) & ~backslashes
            let hasControl = (word &- ones &* 0x20) & ~word
            let flagged = (hasQuote | hasBackslash | hasControl | word) & highs
            if flagged != 0 {
                return index + flagged.trailingZeroBitCount >> 3
            }
            index += 8
        }
        while index < end {
            let byte = base[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
            index += 1
        }
        return index
    }

    @inline(__always)
    func makeString(from start: Int, to stop: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: base + start, count: stop - start), as: UTF8.self)
    }

    /// Reads the rest of a string from `index`, where the fast scan stopped: validates non-ASCII
    /// bytes and decodes escapes into the scratch buffer.
    mutating func parseStringSlowly(start: Int, from index: Int) throws(JSONParseError) -> (
        value: String, escaped: Bool
    ) {
        var index = index
        var runStart = start
        var escaped = false
        while index < end {
            let byte = base[index]
            if byte == UInt8(ascii: "\"") {
                pos = index + 1
                guard escaped else { return (makeString(from: start, to: index), false) }
                appendRun(from: runStart, to: index)
                return (String(decoding: scratch.bytes, as: UTF8.self), true)
            }
            if byte == UInt8(ascii: "\\") {
                if !escaped {
                    escaped = true
                    scratch.bytes.removeAll(keepingCapacity: true)
                }
                appendRun(from: runStart, to: index)
                index = try decodeEscape(at: index)
                runStart = index
            } else if byte < 0x20 {
                throw failure("unescaped control character in string", at: index)
            } else if byte < 0x80 {
                index += 1
            } else {
                index = try validateUTF8Sequence(at: index)
            }
        }
        throw failure("unterminated string", at: start - 1)
    }

    @inline(__always)
    mutating func appendRun(from start: Int, to stop: Int) {
        if stop > start {
            scratch.bytes.append(contentsOf: UnsafeBufferPointer(start: base + start, count: stop - start))
        }
    }

    /// Decodes the escape whose backslash is at `index` into the scratch buffer; returns the
    /// index after it.
    mutating func decodeEscape(at index: Int) throws(JSONParseError) -> Int {
        guard index + 1 < end else { throw failure("unterminated string", at: index) }
        let decoded: UInt8
        switch base[index + 1] {
        case UInt8(ascii: "\""): decoded = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): decoded = UInt8(ascii: "\\")
        case UInt8(ascii: "/"): decoded = UInt8(ascii: "/")
        case UInt8(ascii: "b"): decoded = 0x08
        case UInt8(ascii: "f"): decoded = 0x0C
        case UInt8(ascii: "n"): decoded = 0x0A
        case UInt8(ascii: "r"): decoded = 0x0D
        case UInt8(ascii: "t"): decoded = 0x09
        case UInt8(ascii: "u"): return try decodeUnicodeEscape(at: index)
        default: throw failure("invalid escape in string", at: index)
        }
        scratch.bytes.append(decoded)
        return index + 2
    }

    /// Decodes `\uXXXX`, or a `\uXXXX\uXXXX` surrogate pair, at `index`.
    mutating func decodeUnicodeEscape(at index: Int) throws(JSONParseError) -> Int {
        guard let unit = hex4(at: index + 2) else { throw failure("invalid \\u escape in string", at: index) }
        var scalar = unit
        var next = index + 6
        if unit >= 0xD800 && unit < 0xDC00 {
            guard next + 1 < end, base[next] == UInt8(ascii: "\\"), base[next + 1] == UInt8(ascii: "u"),
                let low = hex4(at: next + 2), low >= 0xDC00 && low < 0xE000
            else { throw failure("unpaired surrogate escape in string", at: index) }
            scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            next += 6
        } else if unit >= 0xDC00 && unit < 0xE000 {
            throw failure("unpaired surrogate escape in string", at: index)
        }
        appendUTF8(scalar)
        return next
    }

    /// The value of four hex digits at `index`, or nil.
    func hex4(at index: Int) -> UInt32? {
        guard end - index >= 4 else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = base[index + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.bytes.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.bytes.append(UInt8(0xC0 | scalar >> 6))
            scratch.bytes.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.bytes.append(UInt8(0xE0 | scalar >> 12))
            scratch.bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.bytes.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.bytes.append(UInt8(0xF0 | scalar >> 18))
            scratch.bytes.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.bytes.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Checks the multi-byte UTF-8 sequence that starts at `index` (RFC 3629 §4: no overlong
    /// form, no surrogate, nothing above U+10FFFF); returns the index after it.
    func validateUTF8Sequence(at index: Int) throws(JSONParseError) -> Int {
        let lead = base[index]
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        let continuations: Int
        switch lead {
        case 0xC2...0xDF: continuations = 1
        case 0xE0: continuations = 2; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: continuations = 2
        case 0xED: continuations = 2; high = 0x9F
        case 0xF0: continuations = 3; low = 0x90
        case 0xF1...0xF3: continuations = 3
        case 0xF4: continuations = 3; high = 0x8F
        default: throw failure("invalid utf-8 in string", at: index)
        }
        guard end - index > continuations, base[index + 1] >= low, base[index + 1] <= high else {
            throw failure("invalid utf-8 in string", at: index)
        }
        var offset = 2
        while offset <= continuations {
            guard base[index + offset] & 0xC0 == 0x80 else { throw failure("invalid utf-8 in string", at: index) }
            offset += 1
        }
        return index + continuations + 1
    }
}
