import Foundation
import SCIMKit
import SCIMReconCore
import SCIMReconSQLite

/// One request as the endpoint understood it, before the store sees it.
struct EndpointRequest: Sendable {
    var method: String
    var route: Route
    /// The path as requested, query included (the log's `path`).
    var rawPath: String
    var query: String?
    var body: JSONValue?
    /// The base URL locations are built from: `https://host/scim/v2`.
    var base: String
    var time: Timestamp
    /// Set when the HTTP side refused the request before reading it (413, a body that is not JSON).
    var rejection: SCIMReply? = nil
}

/// Where a request goes, parsed from its path after the base (`/scim/v2` or nothing).
enum Route: Sendable, Equatable {
    case users(id: String?)
    case groups(id: String?)
    case search(RequestPath.Endpoint)
    /// `POST {base}/.search`: users and groups together (not logged: replays know no such path).
    case rootSearch
    case serviceProviderConfig
    case schemas(id: String?)
    case resourceTypes(id: String?)
    case bulk
    case unknown
}

/// The adapter between HTTP and the core: applies each request with the core's `Reconciler` in
/// a store transaction of its own, reads the events it records to choose the answer, and appends
/// the request with that answer to the request log.
///
/// Everything here runs on one serial queue (`StoreWorker`): the SQLite connection is not
/// shared between threads, and log lines are numbered in the order requests are applied.
final class EndpointService {
    let store: SQLiteStore
    /// The job's settings, with the app spelled as the store keeps it (any letter case names it).
    let settings: ReconcileSettings
    let log: RequestLog
    let limits: ServerLimits
    var run: RunRecord

    var app: String { settings.app }
    var policy: Policy { settings.policy }

    init(store: SQLiteStore, settings: ReconcileSettings, log: RequestLog, limits: ServerLimits, now: Timestamp)
        throws
    {
        self.store = store
        self.log = log
        self.limits = limits
        var resolved = settings
        try store.begin()
        do {
            resolved.app = try store.canonicalApp(settings.app)
        } catch {
            store.rollback()
            throw error
        }
        self.settings = resolved
        run = RunRecord(id: 0, job: resolved.job, app: resolved.app, started: now)
        do {
            run.id = try store.insertRun(run)
            try store.commit()
        } catch {
            store.rollback()
            throw error
        }
    }

    /// Records the endpoint's run as finished (SIGTERM).
    func finish(now: Timestamp) {
        run.finished = now
        run.outcome = (run.counts.first { $0.key.hasSuffix(".failure") }?.value ?? 0) > 0 ? .partial : .success
        do {
            try store.begin()
            try store.updateRun(run)
            try store.commit()
        } catch {
            store.rollback()
        }
    }

    /// Answers one request; returns the log ticket to wait on before sending the answer.
    func handle(_ request: EndpointRequest) -> (reply: SCIMReply, ticket: Int?) {
        switch request.route {
        case .serviceProviderConfig, .schemas, .resourceTypes:
            guard request.method == "GET" else { return (Self.methodNotAllowed, nil) }
            return (Discovery.reply(for: request.route, base: request.base), nil)
        case .unknown:
            return (.error(404, nil, "no such endpoint; the base URL ends in /scim/v2"), nil)
        case .rootSearch:
            guard request.method == "POST" else { return (Self.methodNotAllowed, nil) }
            do {
                return (
                    try store.reading { try list([.users, .groups], request, query: try searchQuery(request)) }, nil
                )
            } catch let error as SCIMError {
                return (.error(error), nil)
            } catch {
                return (.error(500, nil, "the store could not be read"), nil)
            }
        case .bulk:
            return (.error(501, nil, "bulk requests are not supported; send each operation on its own"), nil)
        case .users, .groups, .search:
            break
        }
        let source: (path: String, line: Int)
        do {
            source = try log.nextSource(for: request.time)
        } catch {
            return (.error(500, nil, "the request log cannot be written"), nil)
        }
        var reply: SCIMReply
        var line: [UInt8]
        do {
            (reply, line) = try respond(request, source: "\(source.path):\(source.line)")
        } catch let error as StoreError where error.kind == .locked {
            reply = .error(503, nil, "a job run holds the store; retry later")
            reply.headers.append(("Retry-After", String(limits.retryAfterSeconds)))
            line = record(request, reply: reply).line()
        } catch {
            reply = .error(500, nil, "the store could not be written")
            line = record(request, reply: reply).line()
        }
        return (reply, log.append(line, path: source.path))
    }

    private func respond(_ request: EndpointRequest, source: String) throws -> (SCIMReply, [UInt8]) {
        if let rejection = request.rejection {
            guard request.method != "GET" else { return (rejection, record(request, reply: rejection).line()) }
            return try write(request, source: source) { try reject(request, $0, rejection) }
        }
        switch (request.route, request.method) {
        case (.search(let endpoint), "POST"):
            return try read(request) { try list([endpoint], request, query: try searchQuery(request)) }
        case (.users(let id?), "GET"):
            return try read(request) { try getUser(id, request) }
        case (.groups(let id?), "GET"):
            return try read(request) { try getGroup(id, request) }
        case (.users(nil), "GET"):
            return try read(request) { try list([.users], request, query: try QueryParameters(query: request.query)) }
        case (.groups(nil), "GET"):
            return try read(request) { try list([.groups], request, query: try QueryParameters(query: request.query)) }
        case (.users(nil), "POST"):
            return try write(request, source: source) { try createUser(request, $0) }
        case (.users(let id?), "PUT"), (.users(let id?), "PATCH"):
            return try write(request, source: source) { try changeUser(id, request, $0) }
        case (.users(let id?), "DELETE"):
            return try write(request, source: source) { try deleteUser(id, request, $0) }
        case (.groups(nil), "POST"):
            return try write(request, source: source) { try createGroup(request, $0) }
        case (.groups(let id?), "PUT"), (.groups(let id?), "PATCH"):
            return try write(request, source: source) { try changeGroup(id, request, $0) }
        case (.groups(let id?), "DELETE"):
            return try write(request, source: source) { try deleteGroup(id, request, $0) }
        default:
            let reply = Self.methodNotAllowed
            return (reply, record(request, reply: reply).line())
        }
    }

    static let methodNotAllowed = SCIMReply.error(405, nil, "this method is not allowed here")

    // MARK: Reads

    /// A read in one read transaction, so a count and the page it counts agree.
    private func read(_ request: EndpointRequest, _ body: () throws -> SCIMReply) throws -> (SCIMReply, [UInt8]) {
        let reply: SCIMReply
        do {
            reply = try store.reading { try body() }
        } catch let error as SCIMError {
            reply = .error(error)
        }
        // A GET changes nothing: its line says what was asked and the status, not the resources.
        var logged = record(request, reply: reply)
        if (200..<300).contains(reply.status) { logged.response = nil }
        return (reply, logged.line())
    }

    // MARK: Writes

    /// What a write decided: keep its transaction, or roll it back and record `events` instead.
    enum Decision {
        case commit(SCIMReply)
        case rollback(SCIMReply, record: [ProvisioningEvent])
    }

    /// The events the reconciler recorded for the current request.
    final class Recorded {
        var events: [ProvisioningEvent] = []
        var failures: [ProvisioningEvent] { events.filter { $0.status == .failure } }
        var skipped: [ProvisioningEvent] { events.filter { $0.status == .skipped } }
        var deprovisions: [ProvisioningEvent] { events.filter { $0.status == .success && $0.action.isDeprovision } }
    }

    /// The context a write handler works in: the request as the core sees it, and its reconciler.
    struct WriteContext {
        var reconciler: Reconciler
        var recorded: Recorded
        var source: String

        /// The request for the core, with `status` set when the endpoint refuses it up front.
        func request(_ request: EndpointRequest, status: Int? = nil) throws -> SCIMRequest {
            SCIMRequest(
                time: request.time, app: nil, method: request.method, path: try RequestPath(request.rawPath),
                status: status, body: request.body, responseID: nil, source: source,
                fingerprint: UUID().uuidString)
        }
    }

    /// Runs one write in a transaction: the handler applies it, the line is built from the
    /// answer and marked applied (so a replay of the log into this store recognises it), and
    /// the transaction commits before the line is queued for the log.
    private func write(
        _ request: EndpointRequest, source: String, _ handler: (WriteContext) throws -> Decision
    ) throws -> (SCIMReply, [UInt8]) {
        try store.begin()
        let recorded = Recorded()
        let reconciler = Reconciler(store: store, settings: settings, run: run.id, now: request.time)
        reconciler.observer = { recorded.events.append($0) }
        let context = WriteContext(reconciler: reconciler, recorded: recorded, source: source)
        do {
            var decision: Decision
            do {
                decision = try handler(context)
            } catch let abort as AbortRun {
                // `on_error: abort` stops a run; for one request it is the same failure answer.
                decision = .rollback(SCIMReply.failure(reason: abort.event.reason ?? ""), record: [abort.event])
            } catch let error as SCIMError {
                decision = .rollback(.error(error), record: [])
            } catch let error as IngestError {
                decision = .rollback(SCIMReply.failure(reason: error.reason), record: [])
            }
            var events = recorded.events
            let reply: SCIMReply
            switch decision {
            case .commit(let answer):
                reply = answer
            case .rollback(let answer, let keep):
                store.rollback()
                try store.begin()
                for event in keep { try store.appendEvent(event, email: nil) }
                events = keep
                reply = answer
            }
            let line = record(request, reply: reply).line()
            var hash = StableHash()
            line.withUnsafeBytes { hash.combine($0) }
            try store.markApplied(app: app, fingerprint: hash.fingerprint, run: run.id)
            for event in events { run.counts["\(event.action.rawValue).\(event.status.rawValue)", default: 0] += 1 }
            run.counts["read", default: 0] += 1
            try store.updateRun(run)
            try store.commit()
            return (reply, line)
        } catch {
            store.rollback()
            throw error
        }
    }

    /// Refuses a request up front: the core records it as a rejected request (`skipped`, with
    /// the status as the reason), exactly as a replay of its log line does.
    func reject(_ request: EndpointRequest, _ context: WriteContext, _ reply: SCIMReply) throws -> Decision {
        try context.reconciler.apply(try context.request(request, status: reply.status))
        return .commit(reply)
    }

    /// The answer for what the reconciler recorded when it did not succeed, or nil when it did.
    func problem(_ context: WriteContext) -> Decision? {
        if let failure = context.recorded.failures.first {
            return .rollback(SCIMReply.failure(reason: failure.reason ?? ""), record: context.recorded.failures)
        }
        if let skipped = context.recorded.skipped.first, context.recorded.events.allSatisfy({ $0.status != .success }) {
            // A turned-off operation: refused, and kept in the history as `skipped` with its reason.
            let detail = skipped.reason.map { String($0.drop { $0 != ":" }.dropFirst().drop { $0 == " " }) }
            return .commit(.error(403, nil, detail ?? "this operation is turned off for this job"))
        }
        return nil
    }

    /// The per-hour deprovision ceiling (`max_deprovisions` per rolling hour, read from the
    /// history so a restart does not reset it): a request that would pass it is refused with 503
    /// and its deprovisions recorded as skipped, with why.
    func ceiling(_ context: WriteContext, time: Timestamp) throws -> Decision? {
        let deprovisions = context.recorded.deprovisions
        guard !deprovisions.isEmpty else { return nil }
        // This request's own events are in the open transaction, so they are counted too.
        let window = ReportFilter(
            apps: [app], since: time.adding(milliseconds: -3_600_000), actions: [.disable, .delete],
            statuses: [.success])
        let count = try store.countEvents(window)
        let active = try store.userCount(app: app, activeOnly: true) + deprovisions.count
        guard !policy.maxDeprovisions.allows(count, ofUsers: active) else { return nil }
        let reason =
            "guard.max-deprovisions: more than max_deprovisions \(policy.maxDeprovisions) deprovisions "
            + "within an hour; the endpoint refuses more until the hour has passed"
        let withheld = deprovisions.map { event in
            var copy = event
            copy.status = .skipped
            copy.reason = reason
            return copy
        }
        var reply = SCIMReply.error(503, nil, "more deprovisions within an hour than max_deprovisions allows")
        let oldest = try oldestEvent(window) ?? time
        let wait = max(1, (oldest.millisecondsSince1970 + 3_600_000 - time.millisecondsSince1970) / 1000)
        reply.headers.append(("Retry-After", String(wait)))
        return .rollback(reply, record: withheld)
    }

    /// The time of the first event `filter` matches, reading no further.
    private func oldestEvent(_ filter: ReportFilter) throws -> Timestamp? {
        struct Found: Error { var time: Timestamp }
        do {
            try store.forEachEvent(filter) { throw Found(time: $0.time) }
        } catch let found as Found {
            return found.time
        }
        return nil
    }

    /// The log record of a request and its answer.
    func record(_ request: EndpointRequest, reply: SCIMReply) -> LogRecord {
        LogRecord(
            time: request.time, app: app, method: request.method, path: request.rawPath, status: reply.status,
            request: request.body, response: reply.body)
    }
}
