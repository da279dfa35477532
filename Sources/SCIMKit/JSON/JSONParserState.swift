/// The parser at work on one text: a position in the bytes and the stack of open containers.
///
/// It runs as a loop over two states, "a value starts here" and "a value just ended", with the
/// open containers on an explicit stack: no recursion, so depth costs heap, never stack.
struct JSONParserState {
    let base: UnsafePointer<UInt8>
    let end: Int
    var pos = 0
    let maxDepth: Int
    let lastWins: Bool
    var scratch: JSONParserScratch

    /// Objects with more members than this find repeated names through a hash index.
    static let linearKeyLimit = 16

    init(base: UnsafePointer<UInt8>, end: Int, options: JSONParser.Options, scratch: JSONParserScratch) {
        self.base = base
        self.end = end
        self.maxDepth = options.maxDepth
        self.lastWins = options.duplicateKeys == .lastWins
        self.scratch = scratch
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        var value: JSONValue
        valueStarts: while true {
            skipWhitespace()
            guard pos < end else { throw failure("unexpected end of input") }
            switch base[pos] {
            case UInt8(ascii: "\""):
                value = .string(try parseString().value)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = .number(try parseNumber())
            case UInt8(ascii: "{"):
                try checkDepth()
                pos += 1
                skipWhitespace()
                if pos < end && base[pos] == UInt8(ascii: "}") {
                    pos += 1
                    value = .object(JSONObject())
                } else {
                    scratch.frames.append(JSONParserFrame(isObject: true, start: scratch.members.count))
                    try readKey()
                    continue valueStarts
                }
            case UInt8(ascii: "["):
                try checkDepth()
                pos += 1
                skipWhitespace()
                if pos < end && base[pos] == UInt8(ascii: "]") {
                    pos += 1
                    value = .array([])
                } else {
                    scratch.frames.append(JSONParserFrame(isObject: false, start: scratch.values.count))
                    continue valueStarts
                }
            case UInt8(ascii: "t"):
                try expectLiteral(UInt8(ascii: "r"), UInt8(ascii: "u"), UInt8(ascii: "e"))
                value = .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral(UInt8(ascii: "a"), UInt8(ascii: "l"), UInt8(ascii: "s"), UInt8(ascii: "e"))
                value = .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral(UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l"))
                value = .null
            case let byte:
                throw failure("unexpected \(JSONParseError.describe(byte: byte))")
            }

            // A value ended: add it to its container, then close every container that ends here.
            while let top = scratch.frames.last {
                if top.isObject {
                    scratch.members[top.pending].value = value
                } else {
                    scratch.values.append(value)
                }
                skipWhitespace()
                guard pos < end else { throw failure("unexpected end of input") }
                let byte = base[pos]
                pos += 1
                if byte == UInt8(ascii: ",") {
                    if top.isObject {
                        skipWhitespace()
                        try readKey()
                    }
                    continue valueStarts
                }
                if top.isObject && byte == UInt8(ascii: "}") {
                    value = .object(JSONObject(Array(scratch.members[top.start...])))
                    scratch.members.removeSubrange(top.start...)
                    scratch.keys.removeSubrange(top.start...)
                } else if !top.isObject && byte == UInt8(ascii: "]") {
                    value = .array(Array(scratch.values[top.start...]))
                    scratch.values.removeSubrange(top.start...)
                } else {
                    pos -= 1
                    let expected = top.isObject ? "',' or '}'" : "',' or ']'"
                    throw failure("expected \(expected), found \(JSONParseError.describe(byte: byte))")
                }
                scratch.frames.removeLast()
            }
            break
        }
        skipWhitespace()
        guard pos == end else {
            throw failure("unexpected \(JSONParseError.describe(byte: base[pos])) after the value")
        }
        return value
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < end {
            let byte = base[pos]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            pos += 1
        }
    }

    func failure(_ message: String, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(offset: offset ?? pos, message: message)
    }

    func checkDepth() throws(JSONParseError) {
        if scratch.frames.count >= maxDepth {
            throw failure("nesting deeper than \(maxDepth) levels")
        }
    }

    /// Reads `true`, `false` or `null`, whose first byte is at `pos` and whose next bytes are given.
    @inline(__always)
    mutating func expectLiteral(_ b1: UInt8, _ b2: UInt8, _ b3: UInt8, _ b4: UInt8? = nil) throws(JSONParseError) {
        let length = b4 == nil ? 4 : 5
        guard end - pos >= length, base[pos + 1] == b1, base[pos + 2] == b2, base[pos + 3] == b3,
            b4 == nil || base[pos + 4] == b4!
        else { throw failure("invalid literal") }
        pos += length
    }

    mutating func parseNumber() throws(JSONParseError) -> String {
        guard let numberEnd = JSONNumberGrammar.scan(base, from: pos, to: end) else {
            throw failure("invalid number")
        }
        let literal = String(decoding: UnsafeBufferPointer(start: base + pos, count: numberEnd - pos), as: UTF8.self)
        pos = numberEnd
        return literal
    }

    /// Reads a member name and its colon, and makes room for its value (or finds the member it
    /// repeats, under `.lastWins`).
    mutating func readKey() throws(JSONParseError) {
        guard pos < end else { throw failure("unexpected end of input") }
        guard base[pos] == UInt8(ascii: "\"") else {
            throw failure("expected a member name, found \(JSONParseError.describe(byte: base[pos]))")
        }
        let keyOffset = pos
        let (key, escaped) = try parseString()
        let span = JSONKeySpan(start: keyOffset + 1, count: pos - keyOffset - 2, escaped: escaped)
        let frameIndex = scratch.frames.count - 1
        if let existing = findMember(named: key, span: span, frame: frameIndex) {
            guard lastWins else {
                throw failure("duplicate key \(JSONParseError.describe(key: key))", at: keyOffset)
            }
            scratch.frames[frameIndex].pending = existing
        } else {
            scratch.frames[frameIndex].pending = scratch.members.count
            scratch.members.append(JSONObject.Member(key: key, value: .null))
            scratch.keys.append(span)
        }
        skipWhitespace()
        guard pos < end else { throw failure("unexpected end of input") }
        guard base[pos] == UInt8(ascii: ":") else {
            throw failure("expected ':', found \(JSONParseError.describe(byte: base[pos]))")
        }
        pos += 1
    }

    /// The index of the member of the open object named exactly `key`, if any; records `key`
    /// in the object's name index when it has one.
    mutating func findMember(named key: String, span: JSONKeySpan, frame: Int) -> Int? {
        let start = scratch.frames[frame].start
        let count = scratch.members.count
        if count - start < Self.linearKeyLimit {
            for index in start..<count where sameName(span, key, index) {
                return index
            }
            return nil
        }
        if scratch.frames[frame].index == nil {
            var index: [[UInt8]: Int] = [:]
            for member in start..<count {
                index[Array(scratch.members[member].key.utf8)] = member
            }
            scratch.frames[frame].index = index
        }
        let bytes = Array(key.utf8)
        if let existing = scratch.frames[frame].index![bytes] {
            return existing
        }
        scratch.frames[frame].index![bytes] = count
        return nil
    }

    /// Whether the member at `index` has the name `key` (exactly, byte for byte).
    @inline(__always)
    func sameName(_ span: JSONKeySpan, _ key: String, _ index: Int) -> Bool {
        let other = scratch.keys[index]
        if !span.escaped && !other.escaped {
            guard span.count == other.count else { return false }
            var offset = 0
            while offset < span.count {
                if base[span.start + offset] != base[other.start + offset] { return false }
                offset += 1
            }
            return true
        }
        return scratch.members[index].key.utf8.elementsEqual(key.utf8)
    }
}
