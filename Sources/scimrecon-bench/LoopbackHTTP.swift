#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A minimal HTTP/1.1 client over one kept-alive loopback connection: just enough to load
/// `scimrecon serve` without measuring a client library's overhead.
struct LoopbackHTTP {
    let descriptor: Int32
    private var buffer: [UInt8] = []

    init(port: UInt16) throws(BenchError) {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw BenchError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            _ = Glibc.close(descriptor)
            throw BenchError("connect to 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    func close() { _ = Glibc.close(descriptor) }

    /// Sends one request and reads its response; returns the status and the body.
    mutating func send(_ method: String, _ path: String, token: String, body: [UInt8] = []) throws(BenchError) -> (
        Int, [UInt8]
    ) {
        var request = Array(
            ("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
                + "Content-Type: application/scim+json\r\nContent-Length: \(body.count)\r\n\r\n").utf8)
        request.append(contentsOf: body)
        var offset = 0
        while offset < request.count {
            let written = request.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            guard written > 0 else { throw BenchError("write: \(String(cString: strerror(errno)))") }
            offset += written
        }
        // Headers, up to the blank line.
        var headerEnd: Int?
        while headerEnd == nil {
            if let end = Self.find([13, 10, 13, 10], in: buffer) {
                headerEnd = end
            } else {
                try fill()
            }
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.split(separator: " ").count >= 2,
            let status = Int(statusLine.split(separator: " ")[1])
        else { throw BenchError("a response without a status line") }
        var length = 0
        for line in lines.dropFirst() where line.lowercased().hasPrefix("content-length:") {
            length = Int(line.dropFirst("content-length:".count).filter { $0 != " " }) ?? 0
        }
        let bodyStart = headerEnd! + 4
        while buffer.count < bodyStart + length { try fill() }
        let responseBody = Array(buffer[bodyStart..<(bodyStart + length)])
        buffer.removeFirst(bodyStart + length)
        return (status, responseBody)
    }

    private mutating func fill() throws(BenchError) {
        var chunk = [UInt8](repeating: 0, count: 16_384)
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
        guard count > 0 else { throw BenchError("the server closed the connection") }
        buffer.append(contentsOf: chunk[0..<count])
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if Array(haystack[index..<(index + needle.count)]) == needle { return index }
        }
        return nil
    }
}
