import Foundation

/// Programs on the machine some end-to-end tests drive (a browser, a spreadsheet, xmllint); a
/// missing one skips those tests with one visible line naming the package to install.
enum HostTool {
    /// The first executable named `name` on `PATH`.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static let chromium = find("chromium") ?? find("chromium-browser")
    static let soffice = find("soffice") ?? find("libreoffice")
    static let xmllint = find("xmllint")
    static let python3 = find("python3")

    /// Runs `executable` and waits, returning its status and output.
    static func run(_ executable: String, _ arguments: [String], in directory: String? = nil) throws -> (
        status: Int32, output: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
