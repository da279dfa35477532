import Foundation
import SCIMReconTestSupport
import Testing

/// The status line of a run on a terminal, through the built binary under a pseudo-terminal
/// (`script` from util-linux), at a narrow and a wide width; and its absence off a terminal.
@Suite struct ProgressDisplayTests {
    /// `script`, when this machine has it.
    static let script: String? = ExternalTool.find("script")

    let directory: String
    let runner: BinaryRunner

    init() throws {
        directory = try Fixtures.temporaryDirectory("e2e-progress")
        runner = BinaryRunner(directory: directory, environment: ["SCIMRECON_NOW": "2026-11-29T06:00:00Z"])
        let lines = (0..<1500).map { index in
            #"{"time":"2026-11-28T01:00:00Z","method":"POST","path":"/scim/Users","status":201,"#
                + #""request":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"#
                + #""userName":"user\#(index)@contoso.com","externalId":"ext-\#(index)","active":true},"#
                + #""response":{"id":"id-\#(index)"}}"#
        }
        // Two inputs, so the line says which one is being read.
        try Fixtures.write(lines[..<1000].joined(separator: "\n") + "\n", to: directory + "/requests-1.jsonl")
        try Fixtures.write(lines[1000...].joined(separator: "\n") + "\n", to: directory + "/requests-2.jsonl")
        try Fixtures.write(
            """
            version: 1
            name: progress
            app: App
            store: store.sqlite
            inputs:
              - path: requests-1.jsonl
                format: scim-log
              - path: requests-2.jsonl
                format: scim-log
            policy:
              create: true
            reports:
              - format: csv
                output: report.csv
            """, to: directory + "/job.yml")
    }

    /// Runs the job with stderr (and stdout) on a pseudo-terminal `columns` wide; returns what the
    /// terminal received and the exit status.
    func runOnTerminal(columns: Int) throws -> (output: String, status: Int32) {
        let typescript = directory + "/typescript-\(columns)"
        let command =
            "stty cols \(columns) rows 10 && exec env SCIMRECON_NOW=2026-11-29T06:00:00Z "
            + "'\(runner.binary)' run job.yml"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.script!)
        process.arguments = ["-qefc", command, typescript]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (try String(contentsOfFile: typescript, encoding: .utf8), process.terminationStatus)
    }

    /// Every status line drawn: the text between a carriage return and the erase-to-end-of-line
    /// that ends each redraw (an empty one is the line being cleared).
    static func statusLines(_ output: String) -> [String] {
        var lines: [String] = []
        for piece in output.components(separatedBy: "\u{1B}[K").dropLast() {
            let drawn = piece.split(separator: "\r", omittingEmptySubsequences: false).last ?? ""
            lines.append(String(drawn))
        }
        return lines
    }

    @Test(.enabled(if: script != nil, "script (util-linux) not found: the terminal display is not checked"))
    func showsEveryPhaseOnANarrowTerminalWithoutEverWrapping() throws {
        let (output, status) = try runOnTerminal(columns: 30)
        #expect(status == 0, "\(output)")
        let lines = Self.statusLines(output)
        let drawn = lines.filter { !$0.isEmpty }
        #expect(drawn.count >= 5, "\(output)")
        for line in drawn {
            #expect(line.count < 30, "status line wider than the terminal: '\(line)'")
        }
        for phase in ["reading", "checking guards", "writing reports", "committing"] {
            #expect(drawn.contains { $0.hasPrefix(phase) || $0.hasPrefix("scimrecon: " + phase) }, "no '\(phase)'")
        }
        #expect(drawn.contains { $0.hasPrefix("reading") && $0.contains("%") }, "\(drawn)")
        #expect(drawn.last?.hasPrefix("committing") == true, "\(drawn)")
        // Cleared before anything else is said, so the summary starts on a clean line.
        #expect(lines.last == "", "\(lines)")
        #expect(output.contains("\r\u{1B}[Kscimrecon: wrote report.csv"), "\(output)")
        #expect(output.contains("scimrecon: run 1 (progress, App): read 1500, created 1500"))
    }

    @Test(.enabled(if: script != nil, "script (util-linux) not found: the terminal display is not checked"))
    func showsRecordsAndBytesWhenTheTerminalIsWide() throws {
        let (output, status) = try runOnTerminal(columns: 120)
        #expect(status == 0, "\(output)")
        let drawn = Self.statusLines(output).filter { !$0.isEmpty }
        for line in drawn {
            #expect(line.count < 120, "status line wider than the terminal: '\(line)'")
        }
        let reading = drawn.filter { $0.hasPrefix("scimrecon: reading ") && $0.contains("%, ") }
        #expect(!reading.isEmpty, "\(drawn)")
        #expect(reading.allSatisfy { $0.contains(" record") && $0.contains(" KB") }, "\(reading)")
        #expect(drawn.contains("scimrecon: committing 1,500 records"), "\(drawn)")
        #expect(drawn.contains { $0.hasPrefix("scimrecon: reading input 1 of 2 ") }, "\(drawn)")
        #expect(drawn.contains { $0.hasPrefix("scimrecon: reading input 2 of 2 ") }, "\(drawn)")
    }

    @Test func drawsNothingWhenStderrIsNotATerminal() throws {
        let result = try runner.run(["run", "job.yml"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("\r"))
        #expect(!result.stderr.contains("\u{1B}"))
        #expect(!result.stderr.contains("reading"))
        #expect(result.stderr.hasPrefix("scimrecon: wrote report.csv: 1500 events"), "\(result.stderr)")
    }
}
