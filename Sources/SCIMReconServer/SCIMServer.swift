import Dispatch
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import SCIMKit
import SCIMReconCore
import SCIMReconSQLite
import ServiceLifecycle

/// `scimrecon serve`: the SCIM 2.0 service provider Entra ID and Okta provision to.
public enum SCIMServer {
    /// Runs until SIGTERM or SIGINT: then in-flight requests finish, the log is synced, the
    /// endpoint's run is recorded as finished, and this returns.
    ///
    /// - Parameter announce: called once with the base URL when the server is listening.
    public static func run(_ configuration: ServerConfiguration, announce: @escaping @Sendable (String) -> Void)
        throws
    {
        let worker = try StoreWorker(configuration)
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        Task {
            do {
                try await serve(configuration, worker: worker, announce: announce)
            } catch {
                outcome.set(error)
            }
            done.signal()
        }
        done.wait()
        worker.finish()
        if let error = outcome.error { throw error }
    }

    private static func serve(
        _ configuration: ServerConfiguration, worker: StoreWorker, announce: @escaping @Sendable (String) -> Void
    ) async throws {
        let tls = configuration.tlsCertificatePath != nil
        let responder = SCIMResponder(
            worker: worker, token: Array(configuration.token.utf8), limits: configuration.limits, tls: tls)
        var http = HTTP1Channel.Configuration()
        http.idleTimeout = .seconds(Int64(configuration.limits.idleTimeoutSeconds))
        var server: HTTPServerBuilder = .http1(configuration: http)
        if let certificate = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
            server = try .tls(.http1(configuration: http), tlsConfiguration: try tlsConfiguration(certificate, key))
        }
        var logger = Logger(label: "scimrecon.serve")
        logger.logLevel = .critical
        let application = Application(
            responder: responder, server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
                announce("\(tls ? "https" : "http")://\(host):\(port)/scim/v2")
            },
            logger: logger)
        try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    static func tlsConfiguration(_ certificatePath: String, _ keyPath: String) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw StoreError(kind: .usage, "\(certificatePath): not a PEM certificate chain")
        }
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw StoreError(kind: .usage, "\(keyPath): not a PEM private key")
        }
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        return tls
    }

    /// The error a server task ended with, handed back to the waiting thread.
    final class Outcome: @unchecked Sendable {
        // Unchecked: written once by the server task before it signals, read after the wait.
        private(set) var error: (any Error)?
        func set(_ error: any Error) { self.error = error }
    }
}

/// Owns the store and the service: every request runs on its one serial queue.
final class StoreWorker: @unchecked Sendable {
    // Unchecked: `service` is only touched on `queue` (and by `finish`, after the server stopped).
    private let queue = DispatchQueue(label: "scimrecon.store")
    private let service: EndpointService
    let log: RequestLog

    init(_ configuration: ServerConfiguration) throws {
        let directory = (configuration.storePath as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let store = try SQLiteStore(
            sharedWriterAt: configuration.storePath, lockWaitMilliseconds: configuration.limits.lockWaitMilliseconds)
        log = try RequestLog(directory: configuration.logDirectory)
        service = try EndpointService(
            store: store, settings: configuration.settings, log: log, limits: configuration.limits,
            now: Self.now())
    }

    static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(millisecondsSince1970: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    /// Applies one request; its time is read on the queue, so log lines are in time order.
    func perform(_ make: @escaping @Sendable (Timestamp) -> EndpointRequest) async -> (SCIMReply, Int?) {
        await withCheckedContinuation { continuation in
            queue.async {
                let result = self.service.handle(make(Self.now()))
                continuation.resume(returning: result)
            }
        }
    }

    func finish() {
        queue.sync { service.finish(now: Self.now()) }
        log.close()
    }
}
