import Foundation
import SCIMReconCore
import SCIMReconSQLite

/// Where the store is and how to open it (SPEC §2: `--store`, the job's `store:`,
/// `$SCIMRECON_STORE`, else `output/scimrecon.sqlite`).
enum StoreAccess {
    static let defaultLocation = "output/scimrecon.sqlite"

    static func location(option: String?, job: String? = nil) -> String {
        if let option, !option.isEmpty { return option }
        if let job, !job.isEmpty { return job }
        if let environment = ProcessInfo.processInfo.environment["SCIMRECON_STORE"], !environment.isEmpty {
            return environment
        }
        return defaultLocation
    }

    /// Opens the store; writers take the run lock first.
    static func open(_ location: String, writable: Bool) throws -> any ProvisioningStore & StoreQueries {
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            throw UsageError(
                message: "the PostgreSQL store is not part of this build yet; use a SQLite file path for --store")
        }
        if writable {
            let directory = (location as NSString).deletingLastPathComponent
            if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
                do {
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                } catch {
                    throw StoreError(kind: .output, "\(directory): cannot create the store's folder")
                }
            }
        }
        return try SQLiteStore(path: location, writable: writable)
    }
}
