import ArgumentParser
import SCIMReconCore

/// `scimrecon import FILE --app NAME`: a one-off replay or bulk import without a job.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import one file into the store (replay a log, or import users).",
        discussion: HelpText.discussion(
            "scimrecon import samples/okta/2026-11-28.jsonl --app Okta",
            "scimrecon import samples/hr/users.csv --app HR --job jobs/hr-csv-import.yml --dry-run"))

    @Argument(help: "The input file.") var file: String
    @Option(help: "The application name recorded on every event.") var app: String
    @Option(help: "scim-log, scim-bulk, scim-list, csv or graph-logs (detected from content when left out).")
    var format: String?
    @Option(help: "A job file whose mapping, match order and policy to use.") var job: String?
    @Option(help: "The store: a SQLite file path or a postgres:// URL.") var store: String?
    @Flag(help: "Plan only: print what would change and write nothing.") var dryRun = false
    @Flag(help: "Apply even when a safety guard would stop the run.") var force = false

    func run() throws {
        var inputFormat: InputFormat?
        if let format {
            guard let parsed = InputFormat(rawValue: format.lowercased()) else {
                throw UsageError(
                    message: "--format: unknown format '\(format)'; accepted: "
                        + InputFormat.allCases.map(\.rawValue).joined(separator: ", "))
            }
            inputFormat = parsed
        }
        guard !app.isEmpty else { throw UsageError(message: "--app: the application name must not be empty") }
        let loaded = try job.map(JobCommand.load)
        let input = try JobCommand.resolve(
            path: file, format: inputFormat, mode: { _ in .import }, skip: 0, columns: [])
        let settings =
            loaded.map { JobCommand.settings($0, app: app, name: "import") }
            ?? ReconcileSettings(
                job: "import", app: app, mapping: .default, policy: .default, match: MatchKey.defaultOrder)
        var options = RunOptions(now: Clock.now())
        options.clock = Clock.now
        options.dryRun = dryRun
        options.force = force
        options.useCheckpoints = false
        options.failPoint = try FailPointEnvironment.read()
        try JobExecution(
            settings: settings, inputs: [input], options: options,
            storeLocation: StoreAccess.location(option: store, job: loaded?.store), printPlan: dryRun
        ).execute()
    }
}
