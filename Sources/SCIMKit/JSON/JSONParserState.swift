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
    let cachesKeys: Bool
    var scratch: JSONParserScratch

    /// Objects with more members than this find repeated names through a hash index.
    static let linearKeyLimit = 16

    init(
        base: UnsafePointer<UInt8>, end: Int, options: JSONParser.Options, cachesKeys: Bool, scratch: JSONParserScratch
    ) {
        self.base = base
        self.end = end
        self.maxDepth = options.maxDepth
        self.lastWins = options.duplicateKeys == .lastWins
        self.cachesKeys = cachesKeys
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
                    openContainer(isObject: true)
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
                    openContainer(isObject: false)
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
            while !scratch.frames.isEmpty {
                let top = scratch.frames.count - 1
                let isObject = scratch.frames[top].isObject
                if isObject {
                    scratch.frames[top].members[scratch.frames[top].pending].value = value
                } else {
                    scratch.frames[top].values.append(value)
                }
                skipWhitespace()
                guard pos < end else { throw failure("unexpected end of input") }
                let byte = base[pos]
                pos += 1
                if byte == UInt8(ascii: ",") {
                    if isObject {
                        skipWhitespace()
                        try readKey()
                    }
                    continue valueStarts
                }
                if isObject && byte == UInt8(ascii: "}") {
                    let frame = scratch.frames.removeLast()
                    scratch.keys.removeLast(scratch.keys.count - frame.start)
                    scratch.sizeHints[top] = frame.members.count
                    value = .object(JSONObject(frame.members))
                } else if !isObject && byte == UInt8(ascii: "]") {
                    let frame = scratch.frames.removeLast()
                    scratch.sizeHints[top] = frame.values.count
                    value = .array(frame.values)
                } else {
                    pos -= 1
                    let expected = isObject ? "',' or '}'" : "',' or ']'"
                    throw failure("expected \(expected), found \(JSONParseError.describe(byte: byte))")
                }
            }
            break
        }
        skipWhitespace()
        guard pos == end else {
            throw failure("unexpected \(JSONParseError.describe(byte: base[pos])) after the value")
        }
        return value
    }

    /// Opens a container, making room for as many elements as the last one at this depth had:
    /// JSON Lines tend to repeat one shape.
    @inline(__always)
    mutating func openContainer(isObject: Bool) {
        let depth = scratch.frames.count
        if depth == scratch.sizeHints.count { scratch.sizeHints.append(4) }
        let capacity = max(scratch.sizeHints[depth], 4)
        var frame = JSONParserFrame(isObject: isObject, start: scratch.keys.count)
        if isObject {
            frame.members.reserveCapacity(capacity)
        } else {
            frame.values.reserveCapacity(capacity)
        }
        scratch.frames.append(frame)
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
        let (key, span) = try parseKey()
        let frameIndex = scratch.frames.count - 1
        if let existing = findMember(named: key, span: span, frame: frameIndex) {
            guard lastWins else {
                throw failure("duplicate key \(JSONParseError.describe(key: key))", at: keyOffset)
            }
            scratch.frames[frameIndex].pending = existing
        } else {
            scratch.frames[frameIndex].pending = scratch.frames[frameIndex].members.count
            scratch.frames[frameIndex].members.append(JSONObject.Member(key: key, value: .null))
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
        let count = scratch.frames[frame].members.count
        if count < Self.linearKeyLimit {
            let start = scratch.frames[frame].start
            let candidate = scratch.keys.withUnsafeBufferPointer { keys in
                for index in 0..<count {
                    let other = keys[start + index]
                    if other.head == span.head && other.length == span.length { return index }
                }
                return -1
            }
            guard candidate >= 0 else { return nil }
            for index in candidate..<count where sameName(span, key, frame, index) {
                return index
            }
            return nil
        }
        if scratch.frames[frame].index == nil {
            var index: [[UInt8]: Int] = [:]
            for member in 0..<count {
                index[Array(scratch.frames[frame].members[member].key.utf8)] = member
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
    func sameName(_ span: JSONKeySpan, _ key: String, _ frame: Int, _ index: Int) -> Bool {
        let other = scratch.keys[scratch.frames[frame].start + index]
        guard other.head == span.head && other.length == span.length else { return false }
        if !span.escaped && !other.escaped {
            var offset = 8
            while offset < span.count {
                if base[span.start + offset] != base[other.start + offset] { return false }
                offset += 1
            }
            return true
        }
        return scratch.frames[frame].members[index].key.utf8.elementsEqual(key.utf8)
    }
}
