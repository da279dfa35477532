import Foundation
import Testing

/// Golden files under `Tests/SCIMReconCoreTests/Golden/`, found through `#filePath` (no SwiftPM
/// resources needed). `RECORD_GOLDEN=1 swift test` rewrites them; the test then fails once,
/// saying so, so that a recording is never mistaken for a pass.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden")

    static var isRecording: Bool { ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" }

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Compares `actual` with the golden file `name` (or records it).
    static func expectMatches(
        _ actual: [UInt8], named name: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let url = directory.appendingPathComponent(name)
        if isRecording {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(actual).write(to: url)
            Issue.record(
                "recorded golden file \(name); run again without RECORD_GOLDEN", sourceLocation: sourceLocation)
            return
        }
        guard let expected = try? Data(contentsOf: url) else {
            Issue.record("missing golden file \(name); run with RECORD_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        #expect(
            String(decoding: actual, as: UTF8.self) == String(decoding: expected, as: UTF8.self),
            "differs from Golden/\(name)", sourceLocation: sourceLocation)
        #expect(actual == Array(expected), "bytes differ from Golden/\(name)", sourceLocation: sourceLocation)
    }
}

/// External tools some tests drive through `Process`; a missing tool skips those tests visibly.
enum ExternalTool {
    /// The first executable named `name` on `PATH`.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static let xmllint = find("xmllint")
    static let python3 = find("python3")

    /// Runs a tool with `stdin`, returning status, stdout and stderr.
    static func run(_ executable: String, _ arguments: [String], stdin: [UInt8] = []) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Feed stdin on another thread, so a large input cannot deadlock against a full stdout pipe.
        let writer = Thread {
            input.fileHandleForWriting.write(Data(stdin))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }
}
