import SCIMReconCore

/// libFuzzer entry: `--since`/`--until` values and record timestamps parse or are refused, never
/// crash; an accepted RFC 3339 time prints as one that parses to the same instant.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTimeSpec(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let now = Timestamp(millisecondsSince1970: 1_795_000_000_000)
    _ = try? TimeSpec.parse(text, now: now)
    _ = try? parseDuration(text)
    if let time = Timestamp(rfc3339: text) {
        guard Timestamp(rfc3339: time.rfc3339) == time else { fatalError("a printed time does not round-trip") }
    }
    _ = Timestamp(date: text)
    return 0
}
