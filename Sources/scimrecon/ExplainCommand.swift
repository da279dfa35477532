import ArgumentParser
import SCIMKit
import SCIMReconCore

/// `scimrecon explain USER`: one user's story across apps (SPEC §6.1).
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Tell one user's story: stored state, every event with its source, the provider's log.",
        discussion: """
            USER is a userName, email, externalId or SCIM id (any case; * is a wildcard). With --job, \
            also what that job's mapping and policy would do with the stored resource now (nothing is \
            written). Exit 2 when nothing is known about USER.

            Example:
              scimrecon explain erin@contoso.com --job jobs/entra-nightly.yml
            """)

    @Argument(help: "userName, email, externalId or SCIM id.") var user: String
    @Option(help: "Only this application.") var app: String?
    @Option(help: "The store: a SQLite file path or a postgres:// URL.") var store: String?
    @Option(help: "A job file: show what its mapping and policy would do with the stored resource now.")
    var job: String?
    @Option(help: "text or json.") var format: String = "text"

    func run() throws {
        guard format == "text" || format == "json" else {
            throw UsageError(message: "--format: unknown format '\(format)'; accepted: text, json")
        }
        let loaded = try job.map(JobCommand.load)
        let queries = try StoreAccess.open(StoreAccess.location(option: store, job: loaded?.store), writable: false)
        var story = try queries.reading {
            try UserStory.read(user, app: app, from: queries, claims: queries as? any ClaimStore)
        }
        guard !story.isEmpty else {
            throw UsageError(
                message: "no user matches '\(user)' (userName, email, externalId or SCIM id)"
                    + (app.map { " in application '\($0)'" } ?? " in any application"))
        }
        if let loaded { story.replay(with: JobCommand.settings(loaded)) }
        let sink = OutputSink.standardOutput()
        if format == "json" {
            try sink.write(Self.json(story, job: job))
        } else {
            try sink.write(Self.text(story, job: job))
        }
        try sink.flush()
    }

    static func changesText(_ changes: [AttributeChange]) -> String {
        CSVEventReportWriter.changesText(changes)
    }

    /// The story for people.
    static func text(_ story: UserStory, job: String?) -> String {
        var out = "\(story.query)\n\nStored now (\(story.users.count) in the store):\n"
        if story.users.isEmpty { out += "  not in the store (deleted, or never created)\n" }
        for stored in story.users {
            let user = stored.user
            out += "  \(user.app): \(user.userName)  id \(user.id)  \(user.active ? "active" : "disabled")"
            if let disabled = user.disabledAt { out += " since \(disabled.rfc3339)" }
            if let due = user.deleteAfter { out += ", deleted after \(due.rfc3339)" }
            out += "\n"
            let attributes = user.attributes.filter { $0.key != "userName" }.sorted { $0.key < $1.key }
            if !attributes.isEmpty {
                out += "    " + attributes.map { "\($0.key): \($0.value)" }.joined(separator: "; ") + "\n"
            }
            if !stored.groups.isEmpty { out += "    groups: \(stored.groups.joined(separator: ", "))\n" }
        }
        out += "\nHistory (\(story.events.count) events, oldest first):\n"
        if story.events.isEmpty { out += "  none\n" }
        for event in story.events {
            out += "  \(event.time.rfc3339)  \(event.app)  \(event.action.rawValue) \(event.status.rawValue)"
            out += "  run \(event.run)  \(event.source)\n"
            if !event.changes.isEmpty { out += "      \(changesText(event.changes))\n" }
            if let reason = event.reason { out += "      reason: \(reason)\n" }
        }
        if !story.claims.isEmpty {
            out += "\nThe provider's log (\(story.claims.count) records):\n"
            for claim in story.claims {
                out += "  \(claim.time.rfc3339)  \(claim.app)  \(claim.action.rawValue) \(claim.status.rawValue)"
                out += "  \(claim.source)\n"
                if !claim.changes.isEmpty { out += "      \(changesText(claim.changes))\n" }
                if let code = claim.errorCode {
                    out += "      error: \(code)\(claim.errorReason.map { ": \($0)" } ?? "")\n"
                }
            }
        }
        if let job {
            out += "\nWith \(job) now (nothing is written):\n"
            if story.replays.isEmpty { out += "  the job's application has no stored user by this name\n" }
            for replay in story.replays {
                let action = replay.action.map { "\($0.rawValue) \(replay.status.rawValue)" } ?? "no change"
                out += "  \(replay.app) \(replay.id): \(action): \(replay.explanation)\n"
                if !replay.changes.isEmpty { out += "      \(changesText(replay.changes))\n" }
            }
        }
        return out
    }

    /// The story for scripts: `{"claims", "events", "query", "replay", "users"}` (sorted keys;
    /// events as in the JSON report, users as `users --format json`; `replay` null without --job).
    static func json(_ story: UserStory, job: String?) -> String {
        func changes(_ list: [AttributeChange]) -> JSONValue {
            .array(
                list.map {
                    .object(
                        JSONObject([
                            "attribute": .string($0.attribute), "old": $0.old.map(JSONValue.string) ?? .null,
                            "new": $0.new.map(JSONValue.string) ?? .null,
                        ]))
                })
        }
        var events: [UInt8] = []
        for (index, event) in story.events.enumerated() {
            if index > 0 { events.append(0x2C) }
            JSONEventReportWriter.append(event, to: &events)
        }
        let replay: JSONValue =
            job == nil
            ? .null
            : .array(
                story.replays.map { replay in
                    .object(
                        JSONObject([
                            "app": .string(replay.app), "id": .string(replay.id),
                            "action": replay.action.map { .string($0.rawValue) } ?? .null,
                            "status": .string(replay.status.rawValue), "changes": changes(replay.changes),
                            "explanation": .string(replay.explanation),
                        ]))
                })
        return "{\"claims\":" + JSONWriter.string(.array(story.claims.map { .object($0.jsonObject) }))
            + ",\"events\":[" + String(decoding: events, as: UTF8.self) + "]"
            + ",\"query\":" + JSONWriter.string(.string(story.query))
            + ",\"replay\":" + JSONWriter.string(replay)
            + ",\"users\":"
            + JSONWriter.string(.array(story.users.map { .object(UserRecord.object($0.user, groups: $0.groups)) }))
            + "}\n"
    }
}
