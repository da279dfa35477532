/// A stable 128-bit hash of bytes, the same on every machine and every run.
///
/// Swift's `Hasher` is seeded per process, so it cannot identify a record across runs. This one
/// mixes 8-byte words through two independent multiply-rotate lanes and finishes each with the
/// SplitMix64 finalizer: fast, not cryptographic — it names records, it does not guard secrets.
public struct StableHash: Sendable, Hashable {
    public private(set) var high: UInt64 = 0x9E37_79B9_7F4A_7C15
    public private(set) var low: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private var length: UInt64 = 0

    public init() {}

    public mutating func combine(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        let count = bytes.count
        while index + 8 <= count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            absorb(word)
            index += 8
        }
        if index < count {
            var word: UInt64 = 0
            var shift: UInt64 = 0
            while index < count {
                word |= UInt64(bytes[index]) << shift
                shift += 8
                index += 1
            }
            absorb(word ^ 0xFF00_0000_0000_0000)
        }
        length &+= UInt64(count)
    }

    public mutating func combine(_ text: String) {
        var copy = text
        copy.withUTF8 { combine(UnsafeRawBufferPointer($0)) }
        absorb(0x5F5F_5F5F_5F5F_5F5F)
    }

    private mutating func absorb(_ word: UInt64) {
        high = (high ^ word) &* 0x8765_4321_0FED_CBA9
        high = (high << 29) | (high >> 35)
        low = (low &+ word) &* 0x9FB2_1C65_1E98_DF25
        low = (low << 23) | (low >> 41)
    }

    private static func finish(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The 64-bit digest (for checkpoint checksums).
    public var value64: UInt64 { StableHash.finish(high ^ length) ^ StableHash.finish(low &+ length) }

    /// The 128-bit digest, as the store keys replayed records.
    public var fingerprint: Fingerprint {
        let a = StableHash.finish(high ^ length)
        let b = StableHash.finish(low ^ (length &* 0x2545_F491_4F6C_DD1D))
        return Fingerprint(high: Int64(bitPattern: a), low: Int64(bitPattern: b))
    }

    /// The 128-bit digest as 32 lowercase hex digits (ids derived from a record).
    public var hex: String { fingerprint.hex }

    /// Writes the 16 lowercase hex digits of `value` at `offset` (ids are made for every created
    /// user: formatting them through `String(radix:)` and an array of characters cost 4% of a
    /// CSV import).
    static func writeHex(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        let digits: StaticString = "0123456789abcdef"
        digits.withUTF8Buffer { digits in
            for position in 0..<16 {
                buffer[offset + position] = digits[Int((value >> UInt64(60 - 4 * position)) & 0xF)]
            }
        }
    }

    /// A UUID-shaped id derived from the digest, for resources the log gives no id for.
    public var uuidString: String {
        let digest = fingerprint
        return String(unsafeUninitializedCapacity: 36) { buffer in
            StableHash.writeHex(UInt64(bitPattern: digest.high), into: buffer, at: 0)
            StableHash.writeHex(UInt64(bitPattern: digest.low), into: buffer, at: 16)
            // 8-4-4-4-12: move the digits right, from the last group back, to open the dashes.
            var source = 32
            var target = 36
            for group in [12, 4, 4, 4] {
                for _ in 0..<group {
                    source -= 1
                    target -= 1
                    buffer[target] = buffer[source]
                }
                target -= 1
                buffer[target] = UInt8(ascii: "-")
            }
            return 36
        }
    }
}
