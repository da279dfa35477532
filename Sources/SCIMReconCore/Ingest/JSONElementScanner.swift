#if canImport(Glibc)
    import Glibc
#endif

/// Streams the resources of a large JSON document one at a time: the elements of a top-level
/// array, or of the `Resources` array of a top-level ListResponse object.
///
/// It tracks only structure (depth, strings, escapes) and copies one element's bytes at a time,
/// so memory stays flat however large the export; each element is then parsed on its own.
/// Top-level scalar members (`totalResults`) are kept as their literal text.
public final class JSONElementScanner {
    public let path: String
    private let descriptor: Int32
    private let chunkSize: Int
    /// The largest single element accepted (bytes).
    public let maxElementSize: Int
    /// Top-level scalar members of a ListResponse, lower-cased key → literal text.
    public private(set) var topLevelScalars: [String: String] = [:]
    /// Whether the document ended before its closing bracket or brace.
    public private(set) var truncated = false
    /// Whether the document had a resources array at all.
    public private(set) var foundElements = false
    /// The lower-cased names of a top-level object's member whose array holds the elements:
    /// `resources` for a ListResponse; `value` and `records` for provider logs.
    public let arrayKeys: Set<String>

    public init(
        path: String, chunkSize: Int = 1 << 20, maxElementSize: Int = 16 << 20, arrayKeys: Set<String> = ["resources"]
    ) throws(IngestError) {
        self.path = path
        self.arrayKeys = arrayKeys
        self.chunkSize = chunkSize
        self.maxElementSize = maxElementSize
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw IngestError(
                code: "input.unreadable", message: "cannot open: \(SystemErrorText.describe(errno))",
                location: path)
        }
    }

    deinit { close(descriptor) }

    /// Calls `body` with each element's bytes and the 1-based line it starts on.
    public func forEachElement(_ body: ([UInt8], Int) throws -> Void) throws {
        var state = ScanState()
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var firstChunk = true
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, chunkSize) }
            if count < 0 {
                throw IngestError(
                    code: "input.unreadable", message: "read failed: \(SystemErrorText.describe(errno))",
                    location: path)
            }
            if count == 0 { break }
            // A byte order mark (Windows tools write one) is not part of the document.
            var start = 0
            if firstChunk, count >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF { start = 3 }
            firstChunk = false
            try chunk.withUnsafeBufferPointer { bytes in
                var index = start
                while index < count {
                    // Inside a string of an element, everything up to a quote, a backslash or a
                    // newline is copied in one go: most of a resource's bytes, and the same state
                    // byte by byte would reach.
                    if state.capturingPlainString {
                        var end = index
                        while end < count, bytes[end] != 0x22, bytes[end] != 0x5C, bytes[end] != 0x0A { end += 1 }
                        if end > index {
                            try state.capture(UnsafeBufferPointer(rebasing: bytes[index..<end]), scanner: self)
                            index = end
                            continue
                        }
                    }
                    try state.consume(bytes[index], scanner: self, body: body)
                    index += 1
                }
            }
        }
        state.finishScalar(into: &topLevelScalars)
        truncated = state.started && !state.finished
        foundElements = state.elementDepth != nil
    }

    fileprivate func store(scalar key: String, _ text: String) { topLevelScalars[key] = text }

    fileprivate func error(_ message: String, line: Int) -> IngestError {
        IngestError(code: "input.invalid-json", message: message, location: "\(path):\(line)")
    }
}

/// The structural state of the scan between bytes.
private struct ScanState {
    enum Container { case array, object }
    var stack: [Container] = []
    var inString = false
    var escaped = false
    var line = 1
    var started = false
    var finished = false
    var elementDepth: Int?
    var capturing = false
    var element: [UInt8] = []
    var elementLine = 0
    var expectingKey = false
    var collectingKey = false
    var keyBytes: [UInt8] = []
    var currentKey: String?
    var scalar: [UInt8] = []

    var atElementDepth: Bool { elementDepth != nil && stack.count == elementDepth }
    var inTopObject: Bool { stack.count == 1 && stack.last == .object }

    /// In a string (not a key) of the element being captured, after no backslash.
    var capturingPlainString: Bool { capturing && inString && !escaped && !collectingKey }

    /// Bytes of a plain string run (no quote, backslash or newline) into the element.
    mutating func capture(_ run: UnsafeBufferPointer<UInt8>, scanner: JSONElementScanner) throws {
        element.append(contentsOf: run)
        try checkSize(scanner)
    }

    func checkSize(_ scanner: JSONElementScanner) throws {
        if element.count > scanner.maxElementSize {
            throw IngestError(
                code: "input.element-too-large", message: "a resource longer than \(scanner.maxElementSize) bytes",
                location: "\(scanner.path):\(elementLine)")
        }
    }

    mutating func startCapture(_ byte: UInt8) {
        capturing = true
        element.removeAll(keepingCapacity: true)
        element.append(byte)
        elementLine = line
    }

    mutating func emit(_ body: ([UInt8], Int) throws -> Void) throws {
        capturing = false
        try body(element, elementLine)
    }

    mutating func finishScalar(into scalars: inout [String: String]) {
        if let key = currentKey, !scalar.isEmpty {
            scalars[key] = String(decoding: scalar, as: UTF8.self)
        }
        scalar.removeAll(keepingCapacity: true)
    }

    mutating func consume(_ byte: UInt8, scanner: JSONElementScanner, body: ([UInt8], Int) throws -> Void) throws {
        if byte == 0x0A { line += 1 }
        if capturing {
            element.append(byte)
            try checkSize(scanner)
        }
        if inString {
            if escaped {
                escaped = false
            } else if byte == 0x5C {
                escaped = true
            } else if byte == 0x22 {
                inString = false
                if collectingKey {
                    collectingKey = false
                    currentKey = String(decoding: keyBytes, as: UTF8.self).lowercased()
                    return
                }
            }
            if collectingKey {
                keyBytes.append(byte)
            } else if !capturing && inTopObject {
                scalar.append(byte)
            }
            return
        }
        switch byte {
        case 0x20, 0x09, 0x0D, 0x0A:
            return
        case 0x22:
            inString = true
            if !capturing && atElementDepth {
                startCapture(byte)
            } else if inTopObject && expectingKey {
                collectingKey = true
                keyBytes.removeAll(keepingCapacity: true)
            } else if !capturing && inTopObject {
                scalar.append(byte)
            }
        case 0x7B, 0x5B:
            if finished { throw scanner.error("content after the end of the document", line: line) }
            if !started {
                started = true
                if byte == 0x5B { elementDepth = 1 } else { expectingKey = true }
            } else if !capturing && atElementDepth {
                startCapture(byte)
            } else if inTopObject && byte == 0x5B && currentKey.map(scanner.arrayKeys.contains) == true
                && elementDepth == nil
            {
                elementDepth = 2
            }
            stack.append(byte == 0x7B ? .object : .array)
        case 0x7D, 0x5D:
            guard !stack.isEmpty else { throw scanner.error("unbalanced brackets", line: line) }
            stack.removeLast()
            if capturing, let depth = elementDepth {
                if stack.count == depth, element.first == 0x7B || element.first == 0x5B {
                    try emit(body)
                } else if stack.count == depth - 1 {
                    element.removeLast()
                    try emit(body)
                }
            }
            if stack.isEmpty {
                finished = true
            }
        case 0x2C:
            if capturing && atElementDepth {
                element.removeLast()
                try emit(body)
            }
            if inTopObject {
                var ignored: [String: String] = [:]
                if let key = currentKey, !scalar.isEmpty {
                    scanner.store(scalar: key, String(decoding: scalar, as: UTF8.self))
                }
                finishScalar(into: &ignored)
                expectingKey = true
                currentKey = nil
            }
        case 0x3A:
            if inTopObject { expectingKey = false }
        default:
            if !started { throw scanner.error("the document is not a JSON array or object", line: line) }
            if finished { throw scanner.error("content after the end of the document", line: line) }
            if !capturing && atElementDepth {
                startCapture(byte)
            } else if !capturing && inTopObject && !expectingKey {
                scalar.append(byte)
            }
        }
    }
}
