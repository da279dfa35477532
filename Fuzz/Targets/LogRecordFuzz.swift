import SCIMKit
import SCIMReconCore

#if canImport(Glibc)
    import Glibc
#endif

/// libFuzzer entry: the bytes are a request-log file; every line the line reader hands over is
/// parsed as JSON and read as a log record. Small limits make the over-long line path reachable.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLogRecords(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = "/tmp/scimrecon-fuzz-\(getpid()).jsonl"
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return 0 }
    _ = write(fd, data, size)
    close(fd)
    defer { unlink(path) }
    guard let reader = try? LineReader(path: path, chunkSize: 64, maxLineLength: 4096) else { return 0 }
    reader.onOversizedLine = { _, start, end in
        guard start < end else { fatalError("an oversized line ends before it starts") }
    }
    try? reader.forEachLine { line, number, start, end in
        guard end > start, Int(end - start) >= line.count else { fatalError("line bounds") }
        if let value = try? JSONParser.parse(line) {
            _ = try? LogRecordParser.request(from: value, source: "fuzz:\(number)", fingerprint: "f")
        }
        return true
    }
    return 0
}
