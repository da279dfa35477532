import SCIMReconCore

/// A plain connection for administration (creating and dropping databases, holding a lock from
/// outside a run): statements without parameters, results as text. Messages mask the password.
public final class PostgresSession {
    let db: PostgresConnection

    public init(url: String, connectTimeout: Int = 10) throws(StoreError) {
        guard let location = PostgresLocation(url) else {
            throw StoreError(kind: .usage, "not a postgres:// URL")
        }
        db = try PostgresConnection(location, connectTimeout: connectTimeout)
    }

    /// Runs `sql` (one or more statements); returns the last statement's rows, as text or nil.
    @discardableResult
    public func execute(_ sql: String) throws(StoreError) -> [[String?]] {
        let rows = try db.simpleQuery(sql)
        return (0..<rows.count).map { row in (0..<rows.columns).map { rows.text(row, $0) } }
    }
}
