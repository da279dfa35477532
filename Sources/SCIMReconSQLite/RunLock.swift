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
