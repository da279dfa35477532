import Foundation
import SCIMReconCore

/// Everything `scimrecon serve` resolved from its options, the job and the environment.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (tests); the bound port is printed on stdout.
    public var port: Int
    /// The bearer token providers send. Never printed, logged or echoed.
    public var token: String
    public var storePath: String
    /// Where the request log goes, one file a day (`scim-YYYY-MM-DD.jsonl`).
    public var logDirectory: String
    /// The job's (or the default) application, mapping, match order and policy.
    public var settings: ReconcileSettings
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    public var limits: ServerLimits

    public init(
        host: String, port: Int, token: String, storePath: String, logDirectory: String,
        settings: ReconcileSettings, tlsCertificatePath: String? = nil, tlsKeyPath: String? = nil,
        limits: ServerLimits = ServerLimits()
    ) {
        self.host = host
        self.port = port
        self.token = token
        self.storePath = storePath
        self.logDirectory = logDirectory
        self.settings = settings
        self.tlsCertificatePath = tlsCertificatePath
        self.tlsKeyPath = tlsKeyPath
        self.limits = limits
    }

    /// Whether the listen address is on the loopback interface (plain HTTP is then expected to
    /// sit behind a TLS proxy on the same machine).
    public var isLoopback: Bool {
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return name == "localhost" || name == "::1" || name.hasPrefix("127.")
    }
}

/// The bounds that keep one client from exhausting the endpoint.
public struct ServerLimits: Sendable {
    /// Largest request body read (413 beyond).
    public var maxBodyBytes = 1 << 20
    /// Most PATCH operations in one request (413 beyond).
    public var maxOperations = 1000
    /// Largest page a list answers, whatever `count` asks.
    public var maxResults = 1000
    /// How long a request waits for a job run's lock before answering 503.
    public var lockWaitMilliseconds = 5000
    /// What `Retry-After` says when the store is locked.
    public var retryAfterSeconds = 10
    /// A connection idle (or a client this slow to send) for this long is closed.
    public var idleTimeoutSeconds = 30

    public init() {}
}
