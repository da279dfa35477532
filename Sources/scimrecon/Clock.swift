import Foundation
import SCIMReconCore

/// The one place the executable reads the clock; the core is handed `now`.
///
/// `SCIMRECON_NOW` (RFC 3339) pins it, so end-to-end tests of relative timespans and grace
/// periods are deterministic.
enum Clock {
    static func now() -> Timestamp {
        if let pinned = ProcessInfo.processInfo.environment["SCIMRECON_NOW"], let time = Timestamp(rfc3339: pinned) {
            return time
        }
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(millisecondsSince1970: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }
}
