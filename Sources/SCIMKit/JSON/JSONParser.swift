/// Parses JSON text (RFC 8259) from UTF-8 bytes into `JSONValue`s, strictly and fast.
///
/// What it accepts, and the decisions where RFC 8259 leaves room:
/// - One value, with whitespace (space, tab, CR, LF) around it and nothing else. A UTF-8 byte
///   order mark is refused: callers strip it.
/// - Strings must be valid UTF-8 (no overlong forms, no encoded surrogates, nothing above
///   U+10FFFF), with no unescaped control character. `\u` escapes must form Unicode scalars: a
///   surrogate pair is joined, a lone or inverted surrogate is refused (a Swift `String` cannot
///   hold one, and replacing it would silently change data).
/// - Numbers follow the JSON grammar and are kept as their literal text, however large or
///   precise (`1e99999` is accepted: the grammar allows it; what it means is the reader's call).
/// - Nesting deeper than `Options.maxDepth` containers is refused. The parser itself does not
///   recurse, but a `JSONValue` is released (and compared, and written) recursively: keep the
///   limit modest (thousands, not millions) when values are built on a small thread stack.
/// - Two members of one object with exactly the same name (the same UTF-8 bytes after
///   unescaping) are refused by default, or resolved with `.lastWins`. Names that differ in case
///   or only in Unicode normalization are different names.
///
/// For many small texts (JSON Lines), keep one parser and call the instance `parse(_:)`: it
/// reuses its working buffers from one text to the next, sizes each container like the last one
/// at its depth, and makes a member name it has seen before into a `String` only once. The static
/// `parse` functions are for one-off texts.
public struct JSONParser: Sendable {
    /// How strict the parser is about depth and repeated member names.
    public struct Options: Sendable {
        /// The most containers (objects and arrays) that may be nested; deeper input is refused.
        public var maxDepth: Int = 256
        /// What to do when an object names the same member twice.
        public var duplicateKeys: DuplicateKeyPolicy = .reject

        /// Creates options; the defaults are strict.
        public init(maxDepth: Int = 256, duplicateKeys: DuplicateKeyPolicy = .reject) {
            self.maxDepth = maxDepth
            self.duplicateKeys = duplicateKeys
        }
    }

    /// What an object with the same member name twice means.
    public enum DuplicateKeyPolicy: Sendable {
        /// The text is refused (`duplicate key 'x'`).
        case reject
        /// The last value is kept, at the position where the name first appeared.
        case lastWins
    }

    /// The options every `parse` of this parser uses.
    public var options: Options
    var scratch = JSONParserScratch()

    /// Creates a reusable parser.
    public init(options: Options = .init()) {
        self.options = options
    }

    /// Parses one JSON text, reusing this parser's working buffers and the member names it has
    /// already seen.
    public mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        try parse(bytes, cachingKeys: true)
    }

    mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>, cachingKeys: Bool) throws(JSONParseError) -> JSONValue {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            throw JSONParseError(offset: 0, message: "unexpected end of input")
        }
        scratch.reset()
        var state = JSONParserState(
            base: base, end: bytes.count, options: options, cachesKeys: cachingKeys, scratch: scratch)
        scratch = JSONParserScratch()
        defer { scratch = state.scratch }
        return try state.parseDocument()
    }

    /// Parses one JSON text from UTF-8 bytes.
    public static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, options: Options = .init()
    ) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(options: options)
        return try parser.parse(bytes, cachingKeys: false)
    }

    /// Parses one JSON text from an array of UTF-8 bytes.
    public static func parse(_ bytes: [UInt8], options: Options = .init()) throws(JSONParseError) -> JSONValue {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) in try parse(buffer, options: options) }
        }
        return try result.get()
    }

    /// Parses one JSON text from a string (its UTF-8 form).
    public static func parse(_ text: String, options: Options = .init()) throws(JSONParseError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(JSONParseError) in try parse(buffer, options: options) }
        }
        return try result.get()
    }
}

/// The parser's working buffers, kept between texts so a stream of small ones allocates little.
struct JSONParserScratch: Sendable {
    /// Where each member name of the open objects is in the input, innermost last.
    var keys: [JSONKeySpan] = []
    /// The containers being read, innermost last.
    var frames: [JSONParserFrame] = []
    /// By depth: how many elements the last container closed at that depth had.
    var sizeHints: [Int] = []
    /// The decoded bytes of a string with escapes.
    var bytes: [UInt8] = []
    /// Member names seen in earlier texts.
    var keyCache = JSONKeyCache()

    mutating func reset() {
        keys.removeAll(keepingCapacity: true)
        frames.removeAll(keepingCapacity: true)
    }
}

/// Where a member name is in the input, and its first bytes, to compare names cheaply.
struct JSONKeySpan: Sendable {
    var start: Int
    var count: Int
    /// Whether the name had escapes (then its raw bytes are not its value).
    var escaped: Bool
    /// The name's length in UTF-8 bytes, after unescaping.
    var length: Int
    /// The name's first eight bytes after unescaping (zeros past its end).
    var head: UInt64
}

/// One open container.
struct JSONParserFrame: Sendable {
    var isObject: Bool
    /// For an object: where its names start in the scratch `keys`.
    var start: Int
    /// For an object: its members so far.
    var members: [JSONObject.Member] = []
    /// For an array: its elements so far.
    var values: [JSONValue] = []
    /// For an object: the member whose value is being read.
    var pending: Int = 0
    /// For a large object: its names by bytes, so finding a repeated one stays linear.
    var index: [[UInt8]: Int]? = nil
}
