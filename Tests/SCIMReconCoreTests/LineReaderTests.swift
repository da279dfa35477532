import Foundation
import SCIMReconCore
import Testing

/// Runs `body` with the path of a temporary file holding `contents`, then removes the file.
private func withTemporaryFile<Result>(_ contents: String, _ body: (String) throws -> Result) throws -> Result {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("linereader-\(UUID().uuidString).txt")
    try Data(contents.utf8).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.path)
}

private struct Line: Equatable {
    var text: String
    var number: Int
    var start: Int64
    var end: Int64
}

private func lines(
    _ reader: LineReader, stopAfter limit: Int = .max
) throws -> [Line] {
    var seen: [Line] = []
    try reader.forEachLine { bytes, number, start, end in
        seen.append(Line(text: String(decoding: bytes, as: UTF8.self), number: number, start: start, end: end))
        return seen.count < limit
    }
    return seen
}

@Suite struct LineReaderTests {
    @Test func handsOutEachLineWithItsNumberAndOffsets() throws {
        try withTemporaryFile("a\nbb\n\nccc\n") { path in
            let reader = try LineReader(path: path)
            #expect(
                try lines(reader) == [
                    Line(text: "a", number: 1, start: 0, end: 2), Line(text: "bb", number: 2, start: 2, end: 5),
                    Line(text: "", number: 3, start: 5, end: 6), Line(text: "ccc", number: 4, start: 6, end: 10),
                ])
            #expect(reader.trailingPartialLine == nil)
            #expect(reader.nextOffset == 10)
            #expect(reader.nextLine == 5)
        }
    }

    @Test func dropsTheCarriageReturnOfCRLFLinesOnly() throws {
        try withTemporaryFile("a\r\nb\rc\r\n\r\n") { path in
            let reader = try LineReader(path: path)
            #expect(try lines(reader).map(\.text) == ["a", "b\rc", ""])
            #expect(try lines(try LineReader(path: path)).map(\.end) == [3, 8, 10])
        }
    }

    @Test func neverConsumesAnUnterminatedLastLine() throws {
        try withTemporaryFile("first\nsecond\r\nthird") { path in
            let reader = try LineReader(path: path, chunkSize: 4)
            #expect(try lines(reader).map(\.text) == ["first", "second"])
            let trailing = try #require(reader.trailingPartialLine)
            #expect(trailing.number == 3 && trailing.start == 14 && trailing.length == 5)
            #expect(reader.nextOffset == 14)
        }
    }

    @Test func readsNothingFromAnEmptyFile() throws {
        try withTemporaryFile("") { path in
            let reader = try LineReader(path: path)
            #expect(try lines(reader).isEmpty)
            #expect(reader.trailingPartialLine == nil)
            #expect(reader.fileSize == 0)
        }
    }

    @Test(arguments: [1, 2, 3, 7, 8, 13, 64, 1 << 20])
    func readsTheSameLinesWhateverTheChunkSize(_ chunkSize: Int) throws {
        let texts = (0..<60).map { index in
            String(repeating: Character(UnicodeScalar(97 + index % 26)!), count: index % 23)
        }
        let content = texts.enumerated().map { $0.offset % 5 == 0 ? $0.element + "\r\n" : $0.element + "\n" }.joined()
        try withTemporaryFile(content + "tail") { path in
            let reader = try LineReader(path: path, chunkSize: chunkSize, maxLineLength: 40)
            let read = try lines(reader)
            #expect(read.map(\.text) == texts)
            #expect(read.map(\.number) == Array(1...60))
            #expect(zip(read, read.dropFirst()).allSatisfy { $0.end == $1.start })
            #expect(read.last?.end == Int64(content.utf8.count))
            #expect(reader.trailingPartialLine?.length == 4)
        }
    }

    @Test func resumesFromAnOffsetAndLineNumber() throws {
        try withTemporaryFile("one\ntwo\nthree\nfour\n") { path in
            let all = try lines(try LineReader(path: path))
            let resumed = try lines(try LineReader(path: path, startOffset: all[2].start, startLine: 3, chunkSize: 5))
            #expect(resumed == Array(all[2...]))
            #expect(try lines(try LineReader(path: path, startOffset: all[3].end, startLine: 5)).isEmpty)
        }
    }

    @Test func stopsWhenTheBodySaysSoAndGoesOnFromThere() throws {
        try withTemporaryFile("one\ntwo\nthree\nfour") { path in
            let reader = try LineReader(path: path, chunkSize: 3)
            #expect(try lines(reader, stopAfter: 2).map(\.text) == ["one", "two"])
            #expect(reader.nextOffset == 8 && reader.nextLine == 3)
            #expect(reader.trailingPartialLine == nil)
            #expect(try lines(reader) == [Line(text: "three", number: 3, start: 8, end: 14)])
            #expect(reader.trailingPartialLine?.start == 14)
        }
    }

    @Test func passesOnWhatTheBodyThrows() throws {
        struct Stop: Error {}
        try withTemporaryFile("a\nb\n") { path in
            let reader = try LineReader(path: path)
            #expect(throws: Stop.self) { try reader.forEachLine { _, _, _, _ in throw Stop() } }
        }
    }

    @Test func acceptsALineOfExactlyTheLimitAndRefusesALongerOne() throws {
        try withTemporaryFile(
            "short\n" + String(repeating: "x", count: 10) + "\n" + String(repeating: "y", count: 11) + "\nz\n"
        ) { path in
            let reader = try LineReader(path: path, chunkSize: 3, maxLineLength: 10)
            var seen: [String] = []
            let failure = #expect(throws: LineReaderError.self) {
                try reader.forEachLine { bytes, _, _, _ in
                    seen.append(String(decoding: bytes, as: UTF8.self))
                    return true
                }
            }
            #expect(seen == ["short", String(repeating: "x", count: 10)])
            #expect(failure?.description == "\(path):3: line longer than 10 bytes")
        }
    }

    @Test func refusesAnOverlongUnterminatedLastLine() throws {
        try withTemporaryFile("ok\n" + String(repeating: "y", count: 50)) { path in
            let reader = try LineReader(path: path, chunkSize: 8, maxLineLength: 20)
            let failure = #expect(throws: LineReaderError.self) { try lines(reader) }
            #expect(failure?.line == 2)
        }
    }

    @Test func saysWhyAFileCannotBeOpened() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString)").path
        let failure = #expect(throws: LineReaderError.self) { try LineReader(path: missing) }
        #expect(failure?.description == "\(missing): cannot open: no such file or directory")
        let directory = FileManager.default.temporaryDirectory.path
        let notAFile = #expect(throws: LineReaderError.self) { try LineReader(path: directory) }
        #expect(notAFile?.message == "cannot open: is a directory")
    }

    @Test func refusesToStartPastTheEndOfTheFile() throws {
        try withTemporaryFile("abc\n") { path in
            let failure = #expect(throws: LineReaderError.self) { try LineReader(path: path, startOffset: 5) }
            #expect(failure?.message == "start offset 5 is past the end of the file (4 bytes)")
        }
    }

    @Test func knowsTheFileByItsSizeAndIdentity() throws {
        try withTemporaryFile("abc\ndef\n") { path in
            let reader = try LineReader(path: path)
            let again = try LineReader(path: path)
            let different = try withTemporaryFile("abc\ndef\n") { other in try LineReader(path: other) }
            #expect(reader.fileSize == 8)
            #expect(reader.identity == again.identity)
            #expect(reader.identity != different.identity)
        }
    }
}
