import Foundation
import SCIMReconCore
import Testing

@Suite struct CSVReaderTests {
    /// Writes `bytes` to a temporary file, runs `body` with its path, removes it.
    func withFile<T>(_ bytes: [UInt8], _ body: (String) throws -> T) throws -> T {
        let path = ReportFixtures.temporaryPath("input") + ".csv"
        defer { unlink(path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return try body(path)
    }

    func withFile<T>(_ text: String, _ body: (String) throws -> T) throws -> T {
        try withFile(Array(text.utf8), body)
    }

    func records(_ reader: CSVReader) throws -> [CSVRecord] {
        var all: [CSVRecord] = []
        try reader.forEachRecord {
            all.append($0); return true
        }
        return all
    }

    @Test func readsQuotedFieldsEmbeddedNewlinesAndCRLFWithPhysicalLines() throws {
        let text =
            "\u{FEFF}userName,displayName,title\r\n"
            + "alice,\"Smith, \"\"Al\"\"\",Engineer\r\n"
            + "bob,\"two\r\nlines\",\r\n"
            + "carol,\"\",=1+1\n"
            + "dave,Zoë 東京,last"
        try withFile(text) { path in
            let reader = try CSVReader(path: path)
            #expect(reader.header == ["userName", "displayName", "title"])
            #expect(reader.delimiter == UInt8(ascii: ","))
            let rows = try records(reader)
            #expect(
                rows.map(\.fields) == [
                    ["alice", "Smith, \"Al\"", "Engineer"], ["bob", "two\r\nlines", ""], ["carol", "", "=1+1"],
                    ["dave", "Zoë 東京", "last"],
                ])
            #expect(rows.map(\.line) == [2, 3, 5, 6])
            #expect(rows.allSatisfy { $0.problem == nil })
            #expect(rows.last?.endOffset == UInt64(text.utf8.count))
            let second = Array(text.utf8).prefix(Int(rows[0].endOffset))
            #expect(String(decoding: second, as: UTF8.self).hasSuffix("Engineer\r\n"))
        }
    }

    @Test(arguments: [
        ("a;b;c\n1;2;3\n", UInt8(ascii: ";")), ("a\tb\tc\n1\t2\t3\n", 0x09), ("a,b\n1,2\n", UInt8(ascii: ",")),
        ("\"x,y,z\";name\n1;2\n", UInt8(ascii: ";")), ("single\nvalue\n", UInt8(ascii: ",")),
        ("a,b;c\n", UInt8(ascii: ",")), ("\"a\tb\",c;d;e\n", UInt8(ascii: ";")),
    ])
    func detectsTheDelimiterFromTheHeaderOutsideQuotes(text: String, delimiter: UInt8) throws {
        try withFile(text) { path in
            let reader = try CSVReader(path: path)
            #expect(reader.delimiter == delimiter)
        }
    }

    @Test func semicolonFilesSplitOnSemicolonsOnly() throws {
        try withFile("name;city\n\"Smith; J\";Köln, DE\n") { path in
            let rows = try records(try CSVReader(path: path))
            #expect(rows.map(\.fields) == [["Smith; J", "Köln, DE"]])
        }
    }

    @Test func skipsLinesBeforeTheHeaderAndBlankLines() throws {
        try withFile("Export of 2026-11-28\n\"banner, with \"\"quotes\"\n\nid,name\n\n1,a\r\n\r\n2,b\n\n") { path in
            let reader = try CSVReader(path: path, skipLines: 2)
            #expect(reader.header == ["id", "name"])
            let rows = try records(reader)
            #expect(rows.map(\.fields) == [["1", "a"], ["2", "b"]])
            #expect(rows.map(\.line) == [6, 8])
        }
    }

    @Test func reportsRaggedRowsPerRowAndReadsOn() throws {
        try withFile("a,b,c\n1,2\n1,2,3\n1,2,3,4\n") { path in
            let rows = try records(try CSVReader(path: path))
            #expect(
                rows.map(\.problem) == [
                    .fieldCount(expected: 3, found: 2), nil, .fieldCount(expected: 3, found: 4),
                ])
            #expect(rows[0].problem?.description == "expected 3 fields, found 2")
        }
    }

    @Test(arguments: [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82]] as [[UInt8]])
    func marksARowWithInvalidUTF8AndReadsOn(bad: [UInt8]) throws {
        let bytes = Array("a,b\nok,fine\nx,".utf8) + bad + Array("\nlast,row\n".utf8)
        try withFile(bytes) { path in
            let rows = try records(try CSVReader(path: path))
            #expect(rows.count == 3)
            #expect(rows[1].problem == .invalidUTF8(column: 2))
            #expect(rows[1].line == 3)
            #expect(rows[2].fields == ["last", "row"] && rows[2].problem == nil)
        }
    }

    @Test func anUnterminatedQuoteIsAnErrorNamingTheLineItOpensOn() throws {
        try withFile("a,b\n1,2\n3,\"never closed\n4,5\n6,7\n") { path in
            let reader = try CSVReader(path: path)
            var seen = 0
            do {
                try reader.forEachRecord { _ in
                    seen += 1; return true
                }
                Issue.record("no error")
            } catch let error as CSVError {
                #expect(error.kind == .unterminatedQuote)
                #expect(error.description == "\(path):3: quoted field not closed before the end of the file")
                #expect(!error.description.contains("never closed"))
            }
            #expect(seen == 1)
        }
    }

    @Test func aFieldOverTheLimitIsAnErrorNamingTheLine() throws {
        let bytes =
            Array("a,b\n1,2\n3,\"".utf8) + [UInt8](repeating: 0x78, count: CSVReader.fieldLimit + 10)
            + Array("\"\n".utf8)
        try withFile(bytes) { path in
            let reader = try CSVReader(path: path)
            #expect(throws: CSVError(path: path, line: 3, kind: .fieldTooLong(limit: CSVReader.fieldLimit))) {
                try reader.forEachRecord { _ in true }
            }
        }
    }

    @Test func keepsALoneCRAndTextAroundQuotesLikePython() throws {
        try withFile("a,b,c\nx\ry,\"ab\"c,d\"e\n") { path in
            let rows = try records(try CSVReader(path: path))
            #expect(rows.map(\.fields) == [["x\ry", "abc", "d\"e"]])
        }
    }

    @Test func refusesAFileWithoutHeaderAndAMissingFile() throws {
        _ = try withFile("\n\n") { path in
            #expect(throws: CSVError(path: path, line: 3, kind: .noHeader)) { try CSVReader(path: path) }
        }
        do {
            _ = try CSVReader(path: "/nonexistent/users.csv")
            Issue.record("opened a missing file")
        } catch {
            #expect(error.description == "/nonexistent/users.csv: no such file or directory")
        }
    }

    @Test func resumesFromARecordsEndOffset() throws {
        try withFile("h1,h2\n1,\"a\nb\"\n2,x\n3,y\n") { path in
            let first = try CSVReader(path: path)
            guard let one = try first.nextRecord() else { throw CSVError(path: path, line: nil, kind: .noHeader) }
            let resumed = try CSVReader(path: path, resumeAt: (one.endOffset, one.nextLine))
            #expect(resumed.header == ["h1", "h2"])
            let rest = try records(resumed)
            #expect(rest.map(\.fields) == [["2", "x"], ["3", "y"]])
            #expect(rest.map(\.line) == [4, 5])
            #expect(throws: CSVError.self) { try CSVReader(path: path, resumeAt: (2, 1)) }
            #expect(throws: CSVError.self) { try CSVReader(path: path, resumeAt: (10_000, 9)) }
        }
    }

    @Test func handlesACRLFSplitAcrossReadChunks() throws {
        // The first record's CR is the last byte of the first chunk, its LF the first of the next.
        let header = Array("a,b\r\n".utf8)
        let filler = CSVReader.chunkSize - header.count - 3
        var bytes = header + Array("1,".utf8) + [UInt8](repeating: 0x7A, count: filler) + [0x0D, 0x0A]
        #expect(bytes[CSVReader.chunkSize - 1] == 0x0D)
        bytes += Array("2,\"q\"\"\"\r\n".utf8)
        try withFile(bytes) { path in
            let rows = try records(try CSVReader(path: path))
            #expect(rows.count == 2)
            #expect(rows[0].fields[1].count == filler && rows[0].line == 2)
            #expect(rows[1].fields == ["2", "q\""] && rows[1].line == 3)
        }
    }

    /// Several megabytes of hostile rows written by Python's `csv` module read back identically.
    @Test(.enabled(if: ExternalTool.python3 != nil, "python3 not installed"))
    func agreesWithPythonsWriterOverManyChunks() throws {
        let directory = ReportFixtures.temporaryPath("pycsv")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = """
            import csv, json, random, sys
            random.seed(7)
            pieces = ['a', 'Zoë', '東京', '🚀', ',', ';', '"', '""', '\\r\\n', '\\n', '\\t', '=cmd', ' ', 'x' * 300]
            rows = [['id', 'userName', 'note']]
            for i in range(12000):
                rows.append([str(i)] + [''.join(random.choice(pieces) for _ in range(random.randint(0, 12)))
                                         for _ in range(2)])
            with open(sys.argv[1] + '/in.csv', 'w', newline='', encoding='utf-8') as f:
                csv.writer(f, delimiter=sys.argv[2]).writerows(rows)
            with open(sys.argv[1] + '/rows.json', 'w') as f:
                json.dump(rows, f)
            """
        for delimiter in [",", ";", "\t"] {
            let result = try ExternalTool.run(ExternalTool.python3!, ["-c", script, directory, delimiter])
            #expect(result.status == 0, "\(result.stderr)")
            let expected =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: URL(fileURLWithPath: "\(directory)/rows.json"))) as? [[String]] ?? []
            let reader = try CSVReader(path: "\(directory)/in.csv")
            #expect(reader.delimiter == UInt8(ascii: Unicode.Scalar(delimiter)!))
            let rows = try records(reader)
            #expect([reader.header] + rows.map(\.fields) == expected)
            #expect(rows.allSatisfy { $0.problem == nil })
        }
    }
}
