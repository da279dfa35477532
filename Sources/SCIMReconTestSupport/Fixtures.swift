import Foundation

/// Where the repository, its samples and the shared test data are, and scratch directories.
public enum Fixtures {
    /// The repository root, found from this file's path.
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `../shared/testdata` beside the repository.
    public static var sharedTestData: String {
        (repositoryRoot as NSString).deletingLastPathComponent + "/shared/testdata"
    }

    public static var samples: String { repositoryRoot + "/samples" }

    /// Reads a file of the shared SCIM examples.
    public static func scimExample(_ name: String) throws -> String {
        try String(contentsOfFile: sharedTestData + "/scim-examples/" + name, encoding: .utf8)
    }

    /// A fresh empty directory under the system's temporary folder.
    public static func temporaryDirectory(_ label: String = "scimrecon") throws -> String {
        let path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `text` to `path`, creating folders.
    public static func write(_ text: String, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
