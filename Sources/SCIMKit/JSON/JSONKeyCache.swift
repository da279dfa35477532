/// Member names seen recently, so that a name repeated from text to text (JSON Lines of the same
/// shape) becomes a `String` once and is shared after that, instead of being validated, copied
/// and (when longer than 15 bytes) allocated for every text.
///
/// Direct-mapped: a name hashes to one slot, a miss replaces the slot. A hit is checked byte by
/// byte, so the cache can only save work, never change a result. Only names without escapes and
/// of at most `maxLength` bytes are cached.
struct JSONKeyCache: Sendable {
    /// A power of two: the slot is the top eight bits of a hash.
    static let slotCount = 256
    static let maxLength = 64

    private var lengths: [Int] = []
    private var bytes: [UInt8] = []
    private var strings: [String] = []

    /// The name in the `count` bytes at `name`, whose first eight (zeros past `count`) are
    /// `head`, from the cache when it is there.
    @inline(__always)
    mutating func name(_ name: UnsafePointer<UInt8>, count: Int, head: UInt64) -> String {
        guard count <= Self.maxLength && count > 0 else { return Self.make(name, count) }
        if lengths.isEmpty {
            lengths = Array(repeating: -1, count: Self.slotCount)
            bytes = Array(repeating: 0, count: Self.slotCount * Self.maxLength)
            strings = Array(repeating: "", count: Self.slotCount)
        }
        let tail = count > 8 ? Self.load(name + count - 8) : 0
        let mixed = (head ^ (tail >> 7 | tail << 57) ^ UInt64(count)) &* 0x9E37_79B9_7F4A_7C15
        let slot = Int(truncatingIfNeeded: mixed >> 56)
        let found = bytes.withUnsafeBufferPointer { cached in
            let entry = cached.baseAddress! + slot * Self.maxLength
            guard lengths[slot] == count,
                UInt64(littleEndian: UnsafeRawPointer(entry).loadUnaligned(as: UInt64.self)) == head
            else { return false }
            return count <= 8 || Self.equal(entry, name, count)
        }
        if found { return strings[slot] }
        let made = Self.make(name, count)
        lengths[slot] = count
        bytes.withUnsafeMutableBufferPointer { cached in
            let entry = cached.baseAddress! + slot * Self.maxLength
            UnsafeMutableRawPointer(entry).storeBytes(of: head.littleEndian, as: UInt64.self)
            if count > 8 { (entry + 8).update(from: name + 8, count: count - 8) }
        }
        strings[slot] = made
        return made
    }

    @inline(__always)
    private static func make(_ name: UnsafePointer<UInt8>, _ count: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: name, count: count), as: UTF8.self)
    }

    /// Whether the `count` (at least 8) bytes are the same, compared eight at a time.
    @inline(__always)
    private static func equal(_ left: UnsafePointer<UInt8>, _ right: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var index = 0
        while index + 8 < count {
            if load(left + index) != load(right + index) { return false }
            index += 8
        }
        return load(left + count - 8) == load(right + count - 8)
    }

    @inline(__always)
    private static func load(_ pointer: UnsafePointer<UInt8>) -> UInt64 {
        UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self)
    }
}
