import ArgumentParser
import Foundation
import SCIMReconCore

/// The version `--version` prints.
let scimreconVersion = "0.3.0"

/// The root command: subcommands only.
struct SCIMReconCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scimrecon",
        abstract: "Reconcile SCIM provisioning logs and exports into a local user store, and report on them.",
        discussion: HelpText.discussion(
            "scimrecon run jobs/entra-nightly.yml", "scimrecon report --user alice@contoso.com --since 7d --format csv"),
        version: scimreconVersion,
        subcommands: [
            RunCommand.self, PlanCommand.self, ImportCommand.self, ReportCommand.self, UsersCommand.self,
            GroupsCommand.self, RunsCommand.self, ValidateCommand.self, CrosscheckCommand.self, ExplainCommand.self,
            ServeCommand.self, MigrateCommand.self,
        ]
    )
}

/// Parses the command line, runs the command and maps the outcome to the exit-code table.
///
/// ArgumentParser exits 64 on usage errors; the product's usage status is 2, so parsing is driven
/// here and that one status remapped.
func runMain() -> Int32 {
    do {
        var command = try SCIMReconCommand.parseAsRoot()
        try command.run()
        return ExitStatus.success.rawValue
    } catch let exit as CommandExit {
        return exit.status.rawValue
    } catch let error as ClassifiedError {
        Diagnostics.error(error.description)
        return ExitStatus(error.kind).rawValue
    } catch let error as OutputError {
        Diagnostics.error(error.description)
        return ExitStatus.outputFailed.rawValue
    } catch {
        let code = SCIMReconCommand.exitCode(for: error)
        if code == .success {
            print(SCIMReconCommand.fullMessage(for: error))
            return 0
        }
        if code == .validationFailure {
            Diagnostics.error(SCIMReconCommand.fullMessage(for: error))
            return ExitStatus.usage.rawValue
        }
        // Every error a rule knows carries its kind; one that does not is a fault of ours, not
        // the administrator's usage.
        Diagnostics.error("internal error: \(String(describing: error).prefix { $0 != "\n" })")
        return ExitStatus.internalError.rawValue
    }
}

/// Human messages on stderr; stdout carries only the requested output.
enum Diagnostics {
    static func error(_ message: String) { write("scimrecon: error: \(message)\n") }
    static func warning(_ message: String) { write("scimrecon: warning: \(message)\n") }
    static func info(_ message: String) { write("\(message)\n") }

    static func write(_ text: String) {
        var copy = text
        copy.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

}
