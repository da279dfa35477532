import Foundation

/// A `postgres://` or `postgresql://` store location, as `--store`, a job's `store:` or
/// `$SCIMRECON_STORE` give it: `postgres://user[:password]@host[:port]/database?sslmode=…`.
///
/// The URL goes to libpq as it is (libpq reads the password from it, else from `PGPASSWORD` or
/// `~/.pgpass`); messages only ever show `masked`, where a password reads `***`.
public struct PostgresLocation: Sendable, Hashable {
    /// The URL as given.
    public let url: String
    /// The URL with any password (in the user part or a `password=` parameter) replaced by `***`.
    public let masked: String
    /// The host, as messages name it (`localhost` when the URL names none: libpq's default).
    public let host: String
    /// The password the URL carries, to scrub from any message the server or libpq returns.
    let password: String?
    /// Whether the URL sets `connect_timeout` itself.
    let setsConnectTimeout: Bool

    /// Whether `location` names a PostgreSQL store rather than a SQLite file.
    public static func isPostgres(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    public init?(_ url: String) {
        guard Self.isPostgres(url), let schemeEnd = url.range(of: "://") else { return nil }
        self.url = url
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var hostPart = authority
        var maskedAuthority = String(authority)
        var password: String?
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostPart = authority[authority.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                password = Self.percentDecoded(String(userInfo[userInfo.index(after: colon)...]))
                maskedAuthority = String(userInfo[..<colon]) + ":***@" + hostPart
            }
        }
        var query = ""
        var path = String(rest[authorityEnd...])
        if let question = path.firstIndex(of: "?") {
            query = String(path[path.index(after: question)...])
            path = String(path[..<question])
        }
        var maskedParameters: [String] = []
        var setsConnectTimeout = false
        for parameter in query.split(separator: "&", omittingEmptySubsequences: false) {
            let name = parameter.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            if name == "password" {
                password = Self.percentDecoded(String(parameter.dropFirst(name.count + 1)))
                maskedParameters.append("password=***")
            } else {
                if name == "connect_timeout" { setsConnectTimeout = true }
                maskedParameters.append(String(parameter))
            }
        }
        self.password = password
        self.setsConnectTimeout = setsConnectTimeout
        masked =
            String(url[..<schemeEnd.upperBound]) + maskedAuthority + path
            + (query.isEmpty ? "" : "?" + maskedParameters.joined(separator: "&"))
        // The first of several hosts (`h1,h2`); a bracketed IPv6 address keeps its brackets.
        var host = String(hostPart.split(separator: ",").first ?? "")
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            host = String(host[...close])
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        self.host = host.isEmpty ? "localhost" : Self.percentDecoded(host)
    }

    /// `text` with any occurrence of the password replaced by `***`: for messages that come
    /// from libpq or the server, which should never echo it, but are not trusted not to.
    public func scrub(_ text: String) -> String {
        var result = text.replacingOccurrences(of: url, with: masked)
        if let password, !password.isEmpty { result = result.replacingOccurrences(of: password, with: "***") }
        return result
    }

    static func percentDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = text.utf8[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
