import SCIMKit

/// libFuzzer entry: the filter and attribute-path parsers must throw or succeed, never crash,
/// and a parsed filter must print as text that parses again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFilterAndPath(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let filter = try? SCIMFilter.parse(text) {
        guard (try? SCIMFilter.parse(filter.description)) != nil else { fatalError("a printed filter does not parse") }
    }
    _ = try? AttributePath.parse(text)
    return 0
}
