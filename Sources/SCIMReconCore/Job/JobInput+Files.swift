import Foundation

extension JobInput {
    /// The files the input's glob matches, relative to the current directory, in name order.
    ///
    /// Directories are left out. A glob that matches no file is a job error on the input's line
    /// (`jobs/x.yml:7: input 'samples/x/*.jsonl' matches no file`).
    public func resolvedFiles() throws(JobFileError) -> [String] {
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
            throw JobFileError(path: jobPath, line: line, message: "input '\(path)' cannot be listed")
        }
        guard !files.isEmpty else {
            let isPattern = path.contains { "*?[".contains($0) }
            let message = isPattern ? "input '\(path)' matches no file" : "input '\(path)' does not exist"
            throw JobFileError(path: jobPath, line: line, message: message)
        }
        return Array(Set(files)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
