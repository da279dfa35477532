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

    /// Opens the store a run or import writes to. A dry run (`plan`, `--dry-run`) creates
    /// nothing: against a store that does not exist yet it plans on an empty one in memory.
    static func openForRun(_ location: String, dryRun: Bool) throws -> any ProvisioningStore & StoreQueries {
        guard dryRun else { return try open(location, writable: true) }
        try refusePostgres(location)
        guard FileManager.default.fileExists(atPath: location) else { return InMemoryStore(location: location) }
        return try SQLiteStore(path: location, writable: true, dryRun: true)
    }

    static func refusePostgres(_ location: String) throws {
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            throw UsageError(
                message: "the PostgreSQL store is not part of this build yet; use a SQLite file path for --store")
        }
    }

    /// Opens the store; writers take the run lock first.
    static func open(_ location: String, writable: Bool) throws -> any ProvisioningStore & StoreQueries {
        try refusePostgres(location)
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
