import Foundation

/// Where the repository, its samples and its test fixtures are, and scratch directories.
public enum Fixtures {
    /// The repository root, found from this file's path.
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The SCIM payloads the tests read (RFC 7643/7644-shaped, Entra- and Okta-shaped), written
    /// for this repository and kept in it, so that a clone with nothing beside it runs every test.
    public static var scimExamples: String { repositoryRoot + "/Tests/SCIMKitTests/Fixtures" }

    /// `../shared/testdata` beside the repository, when it is there: third-party conformance
    /// corpora that the tests run as an extra pass. A user's clone does not have it.
    public static var sharedTestData: String? {
        let path = (repositoryRoot as NSString).deletingLastPathComponent + "/shared/testdata"
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
            ? path : nil
    }

    public static var samples: String { repositoryRoot + "/samples" }

    /// The text of one file of `scimExamples` (`name` without `.json`).
    public static func scimExample(_ name: String) throws -> String {
        try String(contentsOfFile: scimExamples + "/" + name + ".json", encoding: .utf8)
    }

    /// The names (without `.json`) of the JSON files in `directory`, sorted; none when it is absent.
    public static func jsonFileNames(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Lays out a deployment folder as an administrator has one: `samples` (a link to the
    /// repository's) and the named job files copied into `jobs/`, so relative paths resolve.
    public static func layOutDeployment(at directory: String, jobs: [String]) throws {
        try FileManager.default.createSymbolicLink(atPath: directory + "/samples", withDestinationPath: samples)
        try FileManager.default.createDirectory(atPath: directory + "/jobs", withIntermediateDirectories: true)
        for job in jobs {
            try FileManager.default.copyItem(
                atPath: repositoryRoot + "/jobs/" + job, toPath: directory + "/jobs/" + job)
        }
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
