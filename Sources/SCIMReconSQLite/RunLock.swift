import Foundation
import SCIMReconCore

#if canImport(Glibc)
    import Glibc
#endif

/// The one-writer lock of a store file: an exclusive `flock` on `<store>.lock`.
///
/// The kernel drops the lock when the holder exits, however it exits (kill -9 included), so a
/// crashed run never leaves a stale lock behind. Taking it never waits: a second run stops at
/// once with exit 75 and cron tries again later.
final class RunLock {
    private let descriptor: Int32

    /// Takes the lock. With `create` false (a dry run) a missing lock file is not created, and
    /// the lock is then not taken (nil): SQLite's own locking keeps the dry run's rolled-back
    /// transaction apart from a run that starts meanwhile.
    static func take(storePath: String, create: Bool) throws(StoreError) -> RunLock? {
        guard create || access(storePath + ".lock", F_OK) == 0 else { return nil }
        return try RunLock(storePath: storePath, create: create)
    }

    private init(storePath: String, create: Bool) throws(StoreError) {
        let lockPath = storePath + ".lock"
        let directory = (storePath as NSString).deletingLastPathComponent
        if create, !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let fd = open(lockPath, O_RDWR | (create ? O_CREAT : 0) | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StoreError(
                kind: .output,
                "\(lockPath): cannot open the lock file: \(SystemErrorText.describe(errno))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK {
                throw StoreError(kind: .locked, "\(storePath): another run holds the store's lock; try again later")
            }
            throw StoreError(kind: .output, "\(lockPath): cannot lock: \(SystemErrorText.describe(code))")
        }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// The same lock taken per transaction by a long-lived writer (the SCIM endpoint).
///
/// A job run holds `RunLock` for its whole transaction; the endpoint holds the same `flock` only
/// while one request's transaction is open, and waits a bounded time for a run to finish.
final class TransactionLock {
    private let descriptor: Int32
    private let storePath: String
    /// How long `acquire` waits for a job run before giving up.
    let waitMilliseconds: Int

    init(storePath: String, waitMilliseconds: Int) throws(StoreError) {
        self.storePath = storePath
        self.waitMilliseconds = waitMilliseconds
        let lockPath = storePath + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StoreError(
                kind: .output,
                "\(lockPath): cannot open the lock file: \(String(cString: strerror(errno)).lowercased())")
        }
        descriptor = fd
    }

    /// Takes the lock, polling every 2 ms up to `waitMilliseconds`; throws a `.locked` error then.
    func acquire() throws(StoreError) {
        var waited = 0
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                throw StoreError(
                    kind: .output, "\(storePath).lock: cannot lock: \(String(cString: strerror(code)).lowercased())")
            }
            guard waited < waitMilliseconds else {
                throw StoreError(kind: .locked, "\(storePath): a job run holds the store's lock; try again later")
            }
            usleep(2000)
            waited += 2
        }
    }

    func release() { flock(descriptor, LOCK_UN) }

    deinit { close(descriptor) }
}
