// TEMPORARY stub; deleted when the report branch's CSVReader lands.
public struct CSVRecord { public var fields: [String]; public var line: Int }
public final class CSVReader {
    public init(path: String, skipLines: Int = 0) throws { fatalError() }
    public private(set) var header: [String] = []
    public func forEachRecord(_ body: (CSVRecord) throws -> Bool) throws {}
}
