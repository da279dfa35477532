import Foundation
import SCIMReconCore
import SCIMReconPostgres
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
    /// On PostgreSQL the run holds `app`'s writer lock for as long as the store is open.
    static func openForRun(_ location: String, dryRun: Bool, app: String? = nil) throws
        -> any ProvisioningStore & StoreQueries
    {
        if let postgres = PostgresLocation(location) {
            let store = try PostgresStore(location: postgres, writable: true, lockingApp: app, dryRun: dryRun)
            return store.hasSchema ? store : InMemoryStore(location: store.location)
        }
        guard dryRun else { return try open(location, writable: true) }
        guard FileManager.default.fileExists(atPath: location) else { return InMemoryStore(location: location) }
        return try SQLiteStore(path: location, writable: true, dryRun: true)
    }

    /// Refuses a PostgreSQL location for a command that works on a SQLite file only.
    static func refusePostgres(_ location: String, for command: String) throws {
        if let postgres = PostgresLocation(location) {
            throw UsageError(
                message: "\(postgres.masked): \(command) keeps its store in a SQLite file; give a file path for --store"
            )
        }
    }

    /// The location as messages and suggested commands show it: a PostgreSQL URL's password masked.
    static func masked(_ location: String) -> String { PostgresLocation(location)?.masked ?? location }

    /// Opens the store; writers take the run lock first.
    static func open(_ location: String, writable: Bool) throws -> any ProvisioningStore & StoreQueries {
        if let postgres = PostgresLocation(location) {
            return try PostgresStore(location: postgres, writable: writable)
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
