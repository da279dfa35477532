#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A CSV input that cannot be read at all, or no further: the whole input fails, naming the line.
public struct CSVError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// The file could not be opened or read (`strerror`, lowercase).
        case unreadable(String)
        /// Nothing but blank or skipped lines: there is no header row.
        case noHeader
        /// The header row is not valid UTF-8.
        case invalidUTF8InHeader
        /// A quoted field is still open at the end of the file.
        case unterminatedQuote
        /// A field (or the header row) is longer than the limit.
        case fieldTooLong(limit: Int)
        /// A record is longer than the limit.
        case recordTooLong(limit: Int)
        /// A resume point that is not a record boundary of this file.
        case badResumePoint
    }

    public var path: String
    /// The 1-based physical line the problem is on (for a field, the line its record starts on).
    public var line: Int?
    public var kind: Kind

    /// An error in `path` at `line`.
    public init(path: String, line: Int?, kind: Kind) {
        self.path = path
        self.line = line
        self.kind = kind
    }

    /// `users.csv:12: unterminated quoted field at end of file`; never the line's content.
    public var description: String {
        let location = line.map { "\(path):\($0)" } ?? path
        switch kind {
        case .unreadable(let reason): return "\(location): \(reason)"
        case .noHeader: return "\(location): no header row"
        case .invalidUTF8InHeader: return "\(location): header row is not valid utf-8"
        case .unterminatedQuote: return "\(location): quoted field not closed before the end of the file"
        case .fieldTooLong(let limit): return "\(location): field longer than \(limit) bytes"
        case .recordTooLong(let limit): return "\(location): record longer than \(limit) bytes"
        case .badResumePoint: return "\(location): checkpoint offset is not inside this file's records"
        }
    }
}

/// What is wrong with one row; the row is still delivered, and the caller decides (a failure
/// event for that row, typically) while the rest of the file is read on.
public enum CSVRecordProblem: Sendable, Hashable, CustomStringConvertible {
    /// A ragged row: the header has `expected` fields, this row `found`.
    case fieldCount(expected: Int, found: Int)
    /// The field at this 1-based column is not valid UTF-8 (it is delivered with U+FFFD).
    case invalidUTF8(column: Int)

    public var description: String {
        switch self {
        case .fieldCount(let expected, let found): return "expected \(expected) fields, found \(found)"
        case .invalidUTF8(let column): return "field \(column) is not valid utf-8"
        }
    }
}

/// One data row of a CSV file.
public struct CSVRecord: Sendable, Hashable {
    /// The fields, unquoted.
    public var fields: [String]
    /// The 1-based physical line the record starts on (a quoted field may span several).
    public var line: Int
    /// Where the record ends in the file, its line ending included: a checkpoint resumes here.
    public var endOffset: UInt64
    /// The physical line the next record would start on.
    public var nextLine: Int
    /// Set when the row is ragged or not valid UTF-8.
    public var problem: CSVRecordProblem?
}

/// A streaming RFC 4180 reader over bytes, in 1 MiB `read(2)` chunks; memory does not grow with
/// the file.
///
/// - The delimiter is taken from the header row: whichever of `,` `;` and tab occurs most often
///   outside quotes (comma on a tie or when there is none).
/// - A UTF-8 byte order mark at the start is dropped; `skipLines` raw lines before the header
///   are skipped (a title, an export banner).
/// - Fields may be quoted, with `""` for a quote and line breaks inside; rows end in CRLF or LF
///   (a lone CR is data). Blank lines are skipped. Leniently, text after a closing quote is kept
///   (`"ab"c` reads `abc`) and a quote inside an unquoted field is data, as Python's reader does.
/// - A field over 1 MiB or a quote still open at the end of the file stops the read with a
///   `CSVError` naming the line. A ragged row or invalid UTF-8 only marks that row (`problem`).
public final class CSVReader {
    /// Bytes per `read(2)`.
    public static let chunkSize = 1 << 20
    /// The longest field (and header row) accepted.
    public static let fieldLimit = 1 << 20
    /// The longest record accepted (all its fields together), so that memory stays bounded.
    public static let recordLimit = 16 << 20

    /// The file, as errors name it.
    public let path: String
    /// The header row's field names.
    public private(set) var header: [String] = []
    /// The detected delimiter (`,` `;` or tab).
    public private(set) var delimiter: UInt8 = UInt8(ascii: ",")
    /// Where the first data record starts (after the header row's line ending).
    public private(set) var dataStartOffset: UInt64 = 0

    private let fd: Int32
    private var bytes: ByteWindow
    /// The physical line the next unread byte is on.
    private var line = 1
    /// The record being read, kept to reuse its storage.
    private var raw = RawRecord()

    /// Opens `path`, skips `skipLines` lines, reads the header and detects the delimiter.
    /// With `resumeAt` (an earlier record's `endOffset` and `nextLine`), records are read from there.
    public init(path: String, skipLines: Int = 0, resumeAt: (offset: UInt64, line: Int)? = nil) throws(CSVError) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw CSVError(path: path, line: nil, kind: .unreadable(SystemErrorText.describe(errno)))
        }
        bytes = ByteWindow(capacity: CSVReader.chunkSize + CSVReader.fieldLimit + 4)
        // Every stored property is set: a throw from here on runs deinit, which closes and frees.
        try readHeader(skipLines: skipLines)
        if let resumeAt { try seek(to: resumeAt.offset, line: resumeAt.line) }
    }

    deinit {
        close(fd)
        bytes.deallocate()
    }

    /// Calls `body` with each record in file order until it returns false or the file ends.
    public func forEachRecord(_ body: (CSVRecord) throws -> Bool) throws {
        while let record = try nextRecord() {
            guard try body(record) else { return }
        }
    }

    /// The next record, or nil at the end of the file.
    public func nextRecord() throws(CSVError) -> CSVRecord? {
        guard try readRawRecord(into: &raw) else { return nil }
        var fields: [String] = []
        fields.reserveCapacity(raw.fieldEnds.count)
        var problem: CSVRecordProblem?
        raw.bytes.withUnsafeBufferPointer { all in
            var fieldStart = 0
            for (index, fieldEnd) in raw.fieldEnds.enumerated() {
                let field = UnsafeBufferPointer(rebasing: all[fieldStart..<fieldEnd])
                if let text = CSVReader.decodeUTF8(field) {
                    fields.append(text)
                } else {
                    fields.append(String(decoding: field, as: UTF8.self))
                    if problem == nil { problem = .invalidUTF8(column: index + 1) }
                }
                fieldStart = fieldEnd
            }
        }
        if problem == nil, fields.count != header.count {
            problem = .fieldCount(expected: header.count, found: fields.count)
        }
        return CSVRecord(fields: fields, line: raw.line, endOffset: bytes.offset, nextLine: line, problem: problem)
    }

    // MARK: - Header

    private func readHeader(skipLines: Int) throws(CSVError) {
        if try bytes.peek(fd, path) == 0xEF, try bytes.peek(fd, path, ahead: 1) == 0xBB,
            try bytes.peek(fd, path, ahead: 2) == 0xBF
        {
            bytes.advance(3)
        }
        for _ in 0..<skipLines {
            while let byte = try bytes.next(fd, path), byte != 0x0A {}
            line += 1
        }
        delimiter = try detectDelimiter()
        guard let record = try nextRecord() else { throw CSVError(path: path, line: line, kind: .noHeader) }
        if case .invalidUTF8 = record.problem {
            throw CSVError(path: path, line: record.line, kind: .invalidUTF8InHeader)
        }
        header = record.fields
        dataStartOffset = bytes.offset
    }

    /// Counts `,` `;` and tab outside quotes on the header row, looking ahead without consuming.
    private func detectDelimiter() throws(CSVError) -> UInt8 {
        var counts: [UInt8: Int] = [UInt8(ascii: ","): 0, UInt8(ascii: ";"): 0, 0x09: 0]
        var inQuotes = false
        var ahead = 0
        var started = false
        while let byte = try bytes.peek(fd, path, ahead: ahead) {
            ahead += 1
            guard ahead <= CSVReader.fieldLimit else {
                throw CSVError(path: path, line: line, kind: .fieldTooLong(limit: CSVReader.fieldLimit))
            }
            if byte == 0x22 {
                inQuotes.toggle()
            } else if byte == 0x0A, !inQuotes {
                if started { break }  // blank lines before the header are skipped by the record reader too
            } else if byte != 0x0D {
                started = true
                if !inQuotes, let count = counts[byte] { counts[byte] = count + 1 }
            }
        }
        let comma = counts[UInt8(ascii: ",")]!
        let semicolon = counts[UInt8(ascii: ";")]!
        let tab = counts[0x09]!
        if semicolon > comma, semicolon >= tab { return UInt8(ascii: ";") }
        if tab > comma, tab > semicolon { return 0x09 }
        return UInt8(ascii: ",")
    }

    private func seek(to offset: UInt64, line resumeLine: Int) throws(CSVError) {
        var info = stat()
        guard fstat(fd, &info) == 0, offset >= dataStartOffset, offset <= UInt64(info.st_size), resumeLine >= line
        else { throw CSVError(path: path, line: nil, kind: .badResumePoint) }
        guard lseek(fd, off_t(offset), SEEK_SET) >= 0 else {
            throw CSVError(path: path, line: nil, kind: .unreadable(SystemErrorText.describe(errno)))
        }
        bytes.reset(offset: offset)
        line = resumeLine
    }

    // MARK: - Records

    /// Reads one record into `record` (its bytes, where each field ends, the line it starts on);
    /// false at the end of the file. Runs of ordinary bytes are copied in bulk from the window.
    private func readRawRecord(into record: inout RawRecord) throws(CSVError) -> Bool {
        let (quote, lineFeed, carriageReturn, delimiter) = (UInt8(0x22), UInt8(0x0A), UInt8(0x0D), self.delimiter)
        record.bytes.removeAll(keepingCapacity: true)
        record.fieldEnds.removeAll(keepingCapacity: true)
        // Local copies: the per-byte loop then touches no class property.
        var window = bytes
        var line = self.line
        defer {
            bytes = window
            self.line = line
        }
        record.line = line
        var inQuotes = false
        var wasQuoted = false
        var empty = true
        var fieldStart = 0
        while true {
            if window.start == window.end, !(try window.fill(fd, path)) {
                if inQuotes { throw CSVError(path: path, line: record.line, kind: .unterminatedQuote) }
                if empty { return false }
                record.fieldEnds.append(record.bytes.count)
                return true
            }
            let storage = window.storage
            let end = window.end
            var index = window.start
            if inQuotes {
                while index < end, storage[index] != quote {
                    if storage[index] == lineFeed { line += 1 }
                    index += 1
                }
                record.bytes.append(
                    contentsOf: UnsafeBufferPointer(start: storage + window.start, count: index - window.start))
                window.start = index
                if index < end {
                    window.start += 1
                    if try window.peek(fd, path) == quote {
                        window.start += 1
                        record.bytes.append(quote)
                    } else {
                        inQuotes = false
                    }
                }
            } else {
                while index < end {
                    let byte = storage[index]
                    if byte == delimiter || byte == quote || byte == lineFeed || byte == carriageReturn { break }
                    index += 1
                }
                if index > window.start {
                    record.bytes.append(
                        contentsOf: UnsafeBufferPointer(start: storage + window.start, count: index - window.start))
                    empty = false
                }
                window.start = index
                if index < end {
                    let byte = storage[index]
                    window.start += 1
                    empty = false
                    if byte == delimiter {
                        record.fieldEnds.append(record.bytes.count)
                        fieldStart = record.bytes.count
                        wasQuoted = false
                    } else if byte == quote {
                        if record.bytes.count == fieldStart, !wasQuoted {
                            inQuotes = true
                            wasQuoted = true
                        } else {
                            record.bytes.append(quote)
                        }
                    } else if byte == carriageReturn, try window.peek(fd, path) != lineFeed {
                        record.bytes.append(carriageReturn)  // a lone CR is data
                    } else {
                        if byte == carriageReturn { window.start += 1 }
                        line += 1
                        if record.bytes.isEmpty, record.fieldEnds.isEmpty, !wasQuoted {
                            // A blank line is not a record.
                            empty = true
                            record.line = line
                            continue
                        }
                        record.fieldEnds.append(record.bytes.count)
                        return true
                    }
                }
            }
            if inQuotes { empty = false }
            if record.bytes.count - fieldStart > CSVReader.fieldLimit {
                throw CSVError(path: path, line: record.line, kind: .fieldTooLong(limit: CSVReader.fieldLimit))
            }
            if record.bytes.count > CSVReader.recordLimit {
                throw CSVError(path: path, line: record.line, kind: .recordTooLong(limit: CSVReader.recordLimit))
            }
        }
    }

    /// The text of valid UTF-8 (overlong forms and surrogates refused), or nil.
    static func decodeUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid: continue
            case .emptyInput: return String(decoding: bytes, as: UTF8.self)
            case .error: return nil
            }
        }
    }
}

/// One record as bytes: all fields back to back, and where each ends.
private struct RawRecord {
    var bytes: [UInt8] = []
    var fieldEnds: [Int] = []
    var line = 0
}

/// The bytes of the file between what has been consumed and what has been read, in one
/// allocation reused for the whole file.
private struct ByteWindow {
    let storage: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    /// The next unconsumed byte and the end of what has been read, as indexes into `storage`.
    var start = 0
    var end = 0
    /// The file offset of `storage[0]`.
    private var base: UInt64 = 0
    private var atEOF = false

    init(capacity: Int) {
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
    }

    func deallocate() { storage.deallocate() }

    /// The file offset of the next unconsumed byte.
    var offset: UInt64 { base + UInt64(start) }

    mutating func reset(offset: UInt64) {
        base = offset
        start = 0
        end = 0
        atEOF = false
    }

    mutating func advance(_ count: Int) { start += count }

    /// Consumes and returns the next byte, or nil at the end of the file.
    @inline(__always)
    mutating func next(_ fd: Int32, _ path: String) throws(CSVError) -> UInt8? {
        if start == end, !(try fill(fd, path)) { return nil }
        let byte = storage[start]
        start += 1
        return byte
    }

    /// The byte `ahead` places after the next one, without consuming anything.
    mutating func peek(_ fd: Int32, _ path: String, ahead: Int = 0) throws(CSVError) -> UInt8? {
        while start + ahead >= end {
            guard try fill(fd, path) else { return nil }
        }
        return storage[start + ahead]
    }

    /// Moves the unconsumed bytes to the front and reads one more chunk; false at the end of the file.
    mutating func fill(_ fd: Int32, _ path: String) throws(CSVError) -> Bool {
        guard !atEOF else { return false }
        if start > 0 {
            storage.update(from: storage + start, count: end - start)
            base += UInt64(start)
            end -= start
            start = 0
        }
        let room = min(CSVReader.chunkSize, capacity - end)
        guard room > 0 else { return false }
        while true {
            let count = read(fd, storage + end, room)
            if count < 0 {
                if errno == EINTR { continue }
                throw CSVError(path: path, line: nil, kind: .unreadable(SystemErrorText.describe(errno)))
            }
            if count == 0 {
                atEOF = true
                return false
            }
            end += count
            return true
        }
    }
}
