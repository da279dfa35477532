import Foundation
import SCIMKit

extension JobInput {
    /// The files the input's glob matches, relative to the current directory, in name order.
    ///
    /// Directories are left out. A glob that matches no file is an input that cannot be read
    /// (exit 4, as `import` of a missing file is), named on the input's line with the folder it
    /// was looked for in (`jobs/x.yml:7: input 'samples/x/*.jsonl' matches no file in /srv/app`).
    public func resolvedFiles() throws(IngestError) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        let status = glob(path, GLOB_MARK, nil, &matches)
        var files: [String] = []
        if status == 0 {
            for index in 0..<Int(matches.gl_pathc) {
                guard let pointer = matches.gl_pathv[index] else { continue }
                let file = String(cString: pointer)
                if !file.hasSuffix("/") { files.append(file) }
            }
        } else if status != GLOB_NOMATCH {
            throw IngestError(
                code: "input.unreadable", message: "input '\(path)' cannot be listed", location: "\(jobPath):\(line)")
        }
        guard !files.isEmpty else {
            let isPattern = path.contains { "*?[".contains($0) }
            let folder = path.hasPrefix("/") ? "" : " in \(FileManager.default.currentDirectoryPath)"
            let message = (isPattern ? "input '\(path)' matches no file" : "input '\(path)' does not exist") + folder
            throw IngestError(code: "input.missing", message: message, location: "\(jobPath):\(line)")
        }
        return Array(Set(files)).sorted { $0.precedesByUTF8($1) }
    }
}
