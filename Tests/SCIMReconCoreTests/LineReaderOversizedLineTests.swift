import Foundation
import SCIMReconCore
import Testing

/// `LineReader.onOversizedLine`: a line over the limit is skipped and reported, the lines after
/// it are read with the right numbers and offsets, whatever the chunk size.
@Suite struct LineReaderOversizedLineTests {
    static func withFile<Result>(_ contents: String, _ body: (String) throws -> Result) throws -> Result {
        let path = NSTemporaryDirectory() + "oversized-\(UUID().uuidString).txt"
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    /// Everything the reader reports: lines as text, skipped lines as `!number:start-end`.
    static func read(_ path: String, chunk: Int, limit: Int) throws -> (seen: [String], partial: Int?) {
        let reader = try LineReader(path: path, chunkSize: chunk, maxLineLength: limit)
        var seen: [String] = []
        reader.onOversizedLine = { number, start, end in seen.append("!\(number):\(start)-\(end)") }
        try reader.forEachLine { line, number, start, end in
            seen.append("\(number):\(start)-\(end):" + String(decoding: line, as: UTF8.self))
            return true
        }
        return (seen, reader.trailingPartialLine?.number)
    }

    @Test(arguments: [1, 2, 3, 5, 8, 64])
    func aLongLineIsSkippedAndTheNextLinesAreRead(chunk: Int) throws {
        let text = "ab\n" + String(repeating: "x", count: 20) + "\ncd\n" + String(repeating: "y", count: 9) + "\nef\n"
        let result = try Self.withFile(text) { try Self.read($0, chunk: chunk, limit: 8) }
        #expect(result.seen == ["1:0-3:ab", "!2:3-24", "3:24-27:cd", "!4:27-37", "5:37-40:ef"])
        #expect(result.partial == nil)
    }

    @Test(arguments: [1, 4, 64])
    func anUnterminatedLongLastLineIsLeftAsAPartialLine(chunk: Int) throws {
        let result = try Self.withFile("ab\n" + String(repeating: "z", count: 30)) {
            try Self.read($0, chunk: chunk, limit: 8)
        }
        #expect(result.seen == ["1:0-3:ab"])
        #expect(result.partial == 2)
    }

    @Test func withoutAHandlerALongLineStillStopsTheReading() throws {
        try Self.withFile("ab\n" + String(repeating: "x", count: 20) + "\n") { path in
            let reader = try LineReader(path: path, chunkSize: 4, maxLineLength: 8)
            #expect(throws: LineReaderError.self) { try reader.forEachLine { _, _, _, _ in true } }
        }
    }
}
