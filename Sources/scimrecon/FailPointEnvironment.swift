import Foundation
import SCIMReconCore

/// The one place the executable reads the reliability test hooks; the core is handed a `FailPoint`.
///
/// `SCIMRECON_CRASH_AT=<phase>[:n]` kills the process with SIGKILL, `SCIMRECON_FAIL_AT` makes the
/// step fail as a write error (exit 74), `SCIMRECON_PAUSE_AT` stops the process with SIGSTOP, the
/// n-th time the phase is reached (phases: reading, applying, checkpoint, before-commit,
/// after-commit, reports). They exist for the tests under Tests/EndToEndTests/Reliability*.
enum FailPointEnvironment {
    static func read() throws -> FailPoint? {
        let environment = ProcessInfo.processInfo.environment
        let variables: [(String, FailPoint.Effect)] = [
            ("SCIMRECON_CRASH_AT", .crash), ("SCIMRECON_FAIL_AT", .fail), ("SCIMRECON_PAUSE_AT", .pause),
        ]
        for (name, effect) in variables {
            guard let text = environment[name], !text.isEmpty else { continue }
            guard let point = FailPoint(text, effect: effect) else {
                throw UsageError(
                    message: "\(name): unknown phase; accepted: \(FailPoint.phaseNames), optionally followed by :N")
            }
            return point
        }
        return nil
    }
}
