import ArgumentParser
import SCIMReconCore

/// `scimrecon migrate`: copies a store whole into an empty one, e.g. SQLite to PostgreSQL when a
/// deployment outgrows one machine, or back.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Copy a store whole into an empty store (SQLite and PostgreSQL, either way).",
        discussion: HelpText.discussion(
            "scimrecon migrate --from output/scimrecon.sqlite --to postgres://scimrecon@db.internal/scimrecon",
            "scimrecon migrate --from postgres://scimrecon@db.internal/scimrecon --to restore.sqlite"))

    @Option(help: "The store to copy: a SQLite file path or a postgres:// URL. It is only read.") var from: String
    @Option(help: "The store to copy into; it must hold nothing yet (a new file, an empty database).") var to: String

    func run() throws {
        guard from != to else { throw UsageError(message: "--from and --to name the same store") }
        let source = try StoreAccess.open(from, writable: false)
        let target = try StoreAccess.open(to, writable: true)
        guard let source = source as? any StoreTransfer, let target = target as? any StoreTransfer else {
            throw UsageError(message: "\(target.location): this kind of store cannot be migrated")
        }
        // Refused before anything is written: copying into a store that has history would mix two.
        guard try target.holdsNothing() else {
            throw UsageError(
                message: "\(target.location): the target store is not empty; migrate copies into an empty store only")
        }
        let counts = try StoreMigration.copy(from: source, to: target)
        Diagnostics.info("scimrecon: copied \(source.location) into \(target.location): \(counts.summary)")
    }
}
