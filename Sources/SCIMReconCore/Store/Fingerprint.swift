/// The 128-bit fingerprint of a replayed record, as the store keys it: two 64-bit halves, so a
/// look-up compares two integers instead of 32 hex digits (`StableHash.fingerprint`).
///
/// Both halves are kept, not just one: a 64-bit key alone would let two of a few billion records
/// collide, and a record mistaken for applied is lost.
public struct Fingerprint: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var high: Int64
    public var low: Int64

    public init(high: Int64, low: Int64) {
        self.high = high
        self.low = low
    }

    /// Reads 32 hex digits (`hex`), as stores written before migration 5 kept fingerprints.
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 32, let high = UInt64(hex.prefix(16), radix: 16),
            let low = UInt64(hex.suffix(16), radix: 16)
        else { return nil }
        self.init(high: Int64(bitPattern: high), low: Int64(bitPattern: low))
    }

    /// The same 32 lowercase hex digits `StableHash.hex` gives.
    public var hex: String {
        String(unsafeUninitializedCapacity: 32) { buffer in
            StableHash.writeHex(UInt64(bitPattern: high), into: buffer, at: 0)
            StableHash.writeHex(UInt64(bitPattern: low), into: buffer, at: 16)
            return 32
        }
    }

    public var description: String { hex }

    public static func < (lhs: Fingerprint, rhs: Fingerprint) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}
