import ArgumentParser
import SCIMReconCore

/// `scimrecon run JOB.yml`: what cron runs.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a job: ingest its inputs, reconcile, record, and write its reports.",
        discussion: HelpText.discussion(
            "scimrecon run jobs/entra-nightly.yml", "scimrecon run jobs/entra-nightly.yml --full"))

    @Argument(help: "The job file (jobs/*.yml).") var job: String
    @Flag(help: "Plan only: print what would change and write nothing.") var dryRun = false
    @Flag(help: "Apply even when a safety guard would stop the run.") var force = false
    @Option(help: "The store: a SQLite file path or a postgres:// URL.") var store: String?
    @Flag(help: "Ignore checkpoints and read every input from its start.") var full = false

    func run() throws {
        try JobCommand.execute(jobPath: job, dryRun: dryRun, force: force, store: store, full: full)
    }
}

/// `scimrecon plan JOB.yml`: the same as `run --dry-run`.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Show what a run of the job would change; nothing is written.",
        discussion: HelpText.discussion("scimrecon plan jobs/entra-nightly.yml"))

    @Argument(help: "The job file (jobs/*.yml).") var job: String
    @Option(help: "The store: a SQLite file path or a postgres:// URL.") var store: String?
    @Flag(help: "Ignore checkpoints and read every input from its start.") var full = false

    func run() throws {
        try JobCommand.execute(jobPath: job, dryRun: true, force: false, store: store, full: full)
    }
}

/// `scimrecon validate JOB.yml`: the job file and its inputs parse; nothing is applied.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a job file, and that its inputs read and map as a run would; nothing is created.",
        discussion: HelpText.discussion("scimrecon validate jobs/hr-csv-import.yml"))

    @Argument(help: "The job file (jobs/*.yml).") var job: String

    func run() throws {
        let loaded = try JobCommand.load(job)
        let inputs = try JobCommand.resolveInputs(loaded)
        let reports = try InputValidator.validate(inputs, settings: JobCommand.settings(loaded), now: Clock.now())
        var problems = 0
        for report in reports {
            let kind = report.format.rawValue + (report.isSnapshot ? ", snapshot" : "")
            Diagnostics.info("\(report.path): \(kind): \(report.records) records, \(report.problemCount) invalid")
            for problem in report.problems { Diagnostics.info("  \(problem)") }
            if report.problemCount > report.problems.count {
                Diagnostics.info("  … and \(report.problemCount - report.problems.count) more")
            }
            problems += report.problemCount
        }
        guard problems == 0 else {
            Diagnostics.error("\(job): \(problems) input records would fail")
            throw CommandExit(status: .recordsFailed)
        }
        Diagnostics.info("\(job): valid (\(inputs.count) input files)")
    }
}

/// Loading a job and resolving its inputs, shared by `run`, `plan`, `validate` and `import --job`.
enum JobCommand {
    static func load(_ path: String) throws -> Job {
        do {
            return try JobLoader.load(path: path)
        } catch {
            throw UsageError(message: error.description)
        }
    }

    static func resolveInputs(_ job: Job) throws -> [ResolvedInput] {
        var result: [ResolvedInput] = []
        for input in job.inputs {
            for file in try input.resolvedFiles() {
                result.append(
                    try resolve(
                        path: file, format: input.format, mode: input.mode(for:), skip: input.skip,
                        columns: input.columns))
            }
        }
        return result
    }

    static func resolve(
        path: String, format: InputFormat?, mode: (InputFormat) -> InputMode, skip: Int, columns: [CSVColumn]
    ) throws -> ResolvedInput {
        try FormatDetector.refuseXML(path: path)
        guard let detected = try format ?? FormatDetector.detect(path: path) else {
            throw IngestError(
                code: "input.unknown-format",
                message:
                    "cannot tell the format from the content; name it (scim-log, scim-bulk, scim-list, csv, graph-logs)",
                location: path, kind: .usage)
        }
        return ResolvedInput(path: path, format: detected, mode: mode(detected), skip: skip, columns: columns)
    }

    static func settings(_ job: Job, app: String? = nil, name: String? = nil) -> ReconcileSettings {
        ReconcileSettings(
            job: name ?? job.name, app: app ?? job.app, mapping: job.mapping, policy: job.policy,
            match: job.match)
    }

    static func execute(jobPath: String, dryRun: Bool, force: Bool, store: String?, full: Bool) throws {
        let job = try load(jobPath)
        let inputs = try resolveInputs(job)
        var options = RunOptions(now: Clock.now())
        options.clock = Clock.now
        options.dryRun = dryRun
        options.force = force
        options.full = full
        options.failPoint = try FailPointEnvironment.read()
        let execution = JobExecution(
            settings: settings(job), inputs: inputs, options: options,
            storeLocation: StoreAccess.location(option: store, job: job.store), reports: job.reports,
            keepHistoryMilliseconds: job.policy.keepHistoryMilliseconds, printPlan: dryRun)
        try execution.execute()
    }
}
