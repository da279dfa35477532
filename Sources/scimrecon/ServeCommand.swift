import ArgumentParser
import Foundation
import SCIMReconCore
import SCIMReconServer

/// `scimrecon serve`: the SCIM base URL and secret token an administrator gives Entra ID or Okta.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the SCIM 2.0 endpoint providers provision to (SPEC §9).")

    @Option(help: "HOST:PORT to listen on (port 0 picks a free one).") var listen = "127.0.0.1:8080"
    @Option(help: "The application name recorded on every event (default: the job's app).") var app: String?
    @Option(help: "A file holding the bearer token, mode 0600 (else $SCIMRECON_TOKEN).") var tokenFile: String?
    @Option(help: "The store: a SQLite file path.") var store: String?
    @Option(help: "The folder the request log goes to, one file a day.") var logDir = "output/scim-log"
    @Option(help: "A job file whose mapping, match order and policy to use.") var job: String?
    @Option(help: "A PEM certificate chain: serve HTTPS (TLS 1.2 or later).") var tlsCert: String?
    @Option(help: "The PEM private key of --tls-cert.") var tlsKey: String?
    @Option(help: "Seconds a request waits for a job run's lock before answering 503.") var lockWait = 5.0
    @Option(help: "Seconds a connection may sit idle (or a client take to send) before it is closed.")
    var idleTimeout = 30

    func run() throws {
        let (host, port) = try Self.address(listen)
        let loaded = try job.map(JobCommand.load)
        guard let appName = app ?? loaded?.app, !appName.isEmpty else {
            throw UsageError(message: "--app: name the application (or give a --job that names one)")
        }
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw UsageError(message: "--tls-cert and --tls-key go together")
        }
        guard lockWait >= 0, lockWait <= 600 else {
            throw UsageError(message: "--lock-wait: give seconds between 0 and 600")
        }
        let token = try Self.token(file: tokenFile)
        let settings =
            loaded.map { JobCommand.settings($0, app: appName, name: "serve") }
            ?? ReconcileSettings(
                job: "serve", app: appName, mapping: .default, policy: .default, match: MatchKey.defaultOrder)
        guard (1...3600).contains(idleTimeout) else {
            throw UsageError(message: "--idle-timeout: give seconds between 1 and 3600")
        }
        try StoreAccess.refusePostgres(StoreAccess.location(option: store, job: loaded?.store), for: "serve")
        var limits = ServerLimits()
        limits.lockWaitMilliseconds = Int(lockWait * 1000)
        limits.idleTimeoutSeconds = idleTimeout
        let configuration = ServerConfiguration(
            host: host, port: port, token: token, storePath: StoreAccess.location(option: store, job: loaded?.store),
            logDirectory: logDir, settings: settings, tlsCertificatePath: tlsCert, tlsKeyPath: tlsKey, limits: limits)
        if tlsCert == nil && !configuration.isLoopback {
            Diagnostics.warning(
                "listening on \(host) without TLS: the bearer token crosses the network in clear; "
                    + "give --tls-cert/--tls-key, or listen on 127.0.0.1 behind a TLS proxy")
        }
        try SCIMServer.run(configuration) { url in
            Diagnostics.info("scimrecon: serving \(url) for \(appName); request log in \(logDir)")
            FileHandle.standardOutput.write(Data("\(url)\n".utf8))
        }
        Diagnostics.info("scimrecon: stopped; the request log is synced")
    }

    /// `127.0.0.1:8080`, `[::1]:8443`, `0.0.0.0:443`.
    static func address(_ text: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw UsageError(message: "--listen: give HOST:PORT, e.g. 127.0.0.1:8080")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw UsageError(message: "--listen: give HOST:PORT, e.g. 127.0.0.1:8080") }
        return (host, port)
    }

    /// The token from `--token-file` (readable by its owner only) or `$SCIMRECON_TOKEN`.
    static func token(file: String?) throws -> String {
        let text: String
        if let file {
            var info = stat()
            guard stat(file, &info) == 0 else {
                throw UsageError(message: "\(file): cannot read the token file: \(String(cString: strerror(errno)))")
            }
            guard info.st_mode & 0o077 == 0 else {
                throw UsageError(
                    message: "\(file): the token file can be read by others (mode "
                        + "\(String(info.st_mode & 0o777, radix: 8))); run `chmod 600 \(file)`")
            }
            guard let contents = FileManager.default.contents(atPath: file),
                let decoded = String(
                    data: contents, encoding: .utf8)
            else {
                throw UsageError(message: "\(file): cannot read the token file")
            }
            text = decoded
        } else if let environment = ProcessInfo.processInfo.environment["SCIMRECON_TOKEN"] {
            text = environment
        } else {
            throw UsageError(message: "--token-file: give the file holding the bearer token (or set SCIMRECON_TOKEN)")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.count >= 16, !token.contains(where: { $0.isWhitespace }) else {
            throw UsageError(message: "the bearer token must be at least 16 characters, without spaces")
        }
        return token
    }
}
