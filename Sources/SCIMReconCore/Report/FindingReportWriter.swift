import SCIMKit

/// What a crosscheck report says about itself before its findings.
public struct FindingReportHeader: Sendable, Hashable {
    public var generatedAt: Timestamp
    public var filter: CrosscheckFilter
    /// The findings that follow, by kind, for the formats that write the count first (JSON and
    /// XML, like the provisioning report: a first pass counts); nil for the others, which are
    /// written in one pass and get the totals at `finish`.
    public var totals: CrosscheckTotals?

    public init(generatedAt: Timestamp, filter: CrosscheckFilter, totals: CrosscheckTotals?) {
        self.generatedAt = generatedAt
        self.filter = filter
        self.totals = totals
    }
}

/// Writes a crosscheck report finding by finding: `begin`, any number of `write`, `finish`.
public protocol FindingReportWriter {
    func begin(_ header: FindingReportHeader) throws
    func write(_ finding: CrosscheckFinding) throws
    /// Closes the document with the totals of the pass that wrote it, and flushes; throws
    /// `ReportError.countMismatch` when the header announced other totals.
    func finish(_ totals: CrosscheckTotals) throws
}

extension ReportFormat {
    /// Whether the format writes its count before the records (JSON's `count`, XML's `count`
    /// attribute), so that a crosscheck counts in a first pass.
    public var announcesCount: Bool { self == .json || self == .xml }
}

/// The header's totals, which a format that announces its count needs.
func announcedTotals(_ header: FindingReportHeader) throws -> CrosscheckTotals {
    guard let totals = header.totals else { throw ReportError.misuse("this format needs the totals in the header") }
    return totals
}

/// Throws when a header announced another number of findings than were written.
func checkAnnounced(_ header: FindingReportHeader?, written: Int) throws {
    if let declared = header?.totals?.findings, declared != written {
        throw ReportError.countMismatch(declared: declared, written: written)
    }
}

/// The crosscheck writer for `format`, writing into `sink`.
public func makeFindingReportWriter(_ format: ReportFormat, sink: OutputSink, byteOrderMark: Bool = false)
    -> any FindingReportWriter
{
    switch format {
    case .json: return JSONFindingReportWriter(sink: sink, lines: false)
    case .jsonl: return JSONFindingReportWriter(sink: sink, lines: true)
    case .csv: return CSVFindingReportWriter(sink: sink, byteOrderMark: byteOrderMark)
    case .xml: return XMLFindingReportWriter(sink: sink)
    case .html: return HTMLFindingReportWriter(sink: sink)
    }
}

extension CrosscheckFinding {
    /// The finding as a JSON object (sorted keys when written): `kind`, `time`, `app`, `user`,
    /// `userId`, `message`, `attribute`/`providerValue`/`storedValue` (drift), `errorCode`
    /// (provider failure), `claim` (the provider's side) and `event` (the store's side), each
    /// null when absent.
    public var jsonObject: JSONObject {
        func string(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        let claimValue: JSONValue = claim.map { .object($0.jsonObject) } ?? .null
        let eventValue: JSONValue =
            event.map { event in
                .object(
                    JSONObject([
                        "time": .string(event.time.rfc3339), "run": .number(String(event.run)),
                        "action": .string(event.action.rawValue), "status": .string(event.status.rawValue),
                        "reason": string(event.reason), "source": .string(event.source),
                    ]))
            } ?? .null
        return JSONObject([
            "kind": .string(kind.rawValue), "time": .string(time.rfc3339), "app": .string(app), "user": string(user),
            "userId": string(userID), "message": .string(message), "attribute": string(attribute),
            "providerValue": string(providerValue), "storedValue": string(storedValue),
            "errorCode": string(errorCode), "claim": claimValue, "event": eventValue,
        ])
    }
}

extension ProviderClaim {
    /// The claim as a JSON object: `id`, `time`, `action`, `status`, `targetId`, `user`,
    /// `externalId`, `errorCode`, `errorReason`, `servicePrincipal`, `changes`, `source`.
    public var jsonObject: JSONObject {
        func string(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return JSONObject([
            "id": .string(id), "time": .string(time.rfc3339), "app": .string(app), "action": .string(action.rawValue),
            "status": .string(status.rawValue), "targetId": string(targetID), "user": string(user),
            "externalId": string(externalID), "errorCode": string(errorCode), "errorReason": string(errorReason),
            "servicePrincipal": string(servicePrincipal),
            "changes": .array(
                changes.map { change in
                    .object(
                        JSONObject([
                            "attribute": .string(change.attribute), "old": string(change.old),
                            "new": string(change.new),
                        ]))
                }),
            "source": .string(source),
        ])
    }
}

extension CrosscheckFilter {
    /// The filter as the JSON report echoes it.
    public var jsonValue: JSONValue {
        .object(
            JSONObject([
                "apps": .array(apps.map(JSONValue.string)), "since": since.map { .string($0.rfc3339) } ?? .null,
                "until": until.map { .string($0.rfc3339) } ?? .null,
                "toleranceSeconds": .number(String(toleranceMilliseconds / 1000)),
            ]))
    }
}

/// `json`: `{"count", "filters", "findings": [...], "generatedAt", "totals": {kind: n}}`, one
/// finding a line inside the array; `jsonl`: one finding a line.
public final class JSONFindingReportWriter: FindingReportWriter {
    private let sink: OutputSink
    private let lines: Bool
    private var declared = 0
    private var written = 0

    public init(sink: OutputSink, lines: Bool) {
        self.sink = sink
        self.lines = lines
    }

    public func begin(_ header: FindingReportHeader) throws {
        self.header = header
        guard !lines else { return }
        let announced = try announcedTotals(header)
        declared = announced.findings
        var totals = JSONObject()
        for kind in CrosscheckFinding.Kind.allCases {
            totals.append(key: kind.rawValue, value: .number(String(announced[kind])))
        }
        // Keys in sorted order, as every JSON document the project writes; findings last but one.
        try sink.write(
            "{\"count\":\(declared),\"filters\":\(JSONWriter.string(header.filter.jsonValue)),"
                + "\"findings\":[")
        pendingTail =
            "],\"generatedAt\":\(JSONWriter.string(.string(header.generatedAt.rfc3339))),"
            + "\"totals\":\(JSONWriter.string(.object(totals)))}\n"
    }

    private var pendingTail = ""
    private var header: FindingReportHeader?

    public func write(_ finding: CrosscheckFinding) throws {
        let text = JSONWriter.string(.object(finding.jsonObject))
        if lines {
            try sink.write(text + "\n")
        } else {
            try sink.write((written == 0 ? "\n" : ",\n") + text)
        }
        written += 1
    }

    public func finish(_ totals: CrosscheckTotals) throws {
        if !lines { try sink.write((written == 0 ? "" : "\n") + pendingTail) }
        try sink.flush()
        try checkAnnounced(header, written: written)
    }
}

/// `csv`: one row per finding, under `CSVFindingReportWriter.columns`; cells quoted and
/// neutralised like the provisioning report's, a byte order mark on files.
public final class CSVFindingReportWriter: FindingReportWriter {
    public static let columns = [
        "kind", "time", "app", "user", "userId", "message", "attribute", "providerValue", "storedValue", "errorCode",
        "claimId", "providerAction", "providerStatus", "claimSource", "storeAction", "storeStatus", "storeReason",
        "run", "storeSource",
    ]

    private let sink: OutputSink
    private let byteOrderMark: Bool
    private var row: [UInt8] = []
    private var header: FindingReportHeader?
    private var written = 0

    public init(sink: OutputSink, byteOrderMark: Bool = false) {
        self.sink = sink
        self.byteOrderMark = byteOrderMark
    }

    public func begin(_ header: FindingReportHeader) throws {
        self.header = header
        row.removeAll(keepingCapacity: true)
        if byteOrderMark { row += CSVEventReportWriter.utf8ByteOrderMark }
        CSVCell.appendRow(Self.columns, to: &row)
        try sink.write(row)
    }

    public func write(_ finding: CrosscheckFinding) throws {
        row.removeAll(keepingCapacity: true)
        let claim = finding.claim
        let event = finding.event
        CSVCell.appendRow(
            [
                finding.kind.rawValue, finding.time.rfc3339, finding.app, finding.user ?? "", finding.userID ?? "",
                finding.message, finding.attribute ?? "", finding.providerValue ?? "", finding.storedValue ?? "",
                finding.errorCode ?? "", claim?.id ?? "", claim?.action.rawValue ?? "", claim?.status.rawValue ?? "",
                claim?.source ?? "", event?.action.rawValue ?? "", event?.status.rawValue ?? "", event?.reason ?? "",
                event.map { String($0.run) } ?? "", event?.source ?? "",
            ], to: &row)
        try sink.write(row)
        written += 1
    }

    public func finish(_ totals: CrosscheckTotals) throws {
        try sink.flush()
        try checkAnnounced(header, written: written)
    }
}
