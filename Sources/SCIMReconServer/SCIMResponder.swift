import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SCIMKit
import SCIMReconCore

/// The HTTP side: the bearer token, bounded bodies, the route, and the answer on the wire once
/// its log line is on disk.
struct SCIMResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let worker: StoreWorker
    let token: [UInt8]
    let limits: ServerLimits
    let tls: Bool

    static let contentType = "application/scim+json"

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        guard authorized(request.headers[.authorization]) else {
            var response = Self.response(.error(401, nil, "a valid bearer token is required"))
            response.headers[.wwwAuthenticate] = "Bearer realm=\"scimrecon\""
            return response
        }
        let rawPath = request.uri.string
        let (route, prefix) = Self.route(request.uri.path)
        var body: JSONValue?
        var rejection: SCIMReply?
        var mutableRequest = request
        do {
            let buffer = try await mutableRequest.collectBody(upTo: limits.maxBodyBytes)
            if buffer.readableBytes > 0 {
                do {
                    body = try JSONParser.parse(Array(buffer.readableBytesView))
                } catch {
                    rejection = .error(400, .invalidSyntax, "the request body is not valid JSON")
                }
            }
        } catch is NIOTooManyBytesError {
            rejection = .error(413, nil, "the request body is larger than \(limits.maxBodyBytes) bytes")
        }
        let method = request.method.rawValue.uppercased()
        let base = baseURL(request, prefix: prefix)
        let query = request.uri.query
        let (reply, ticket): (SCIMReply, Int?)
        if let rejection {
            let refused = rejection
            (reply, ticket) = await worker.perform { time in
                EndpointRequest(
                    method: method, route: route, rawPath: rawPath, query: query, body: nil, base: base, time: time,
                    rejection: refused)
            }
        } else {
            let received = body
            (reply, ticket) = await worker.perform { time in
                EndpointRequest(
                    method: method, route: route, rawPath: rawPath, query: query, body: received, base: base,
                    time: time)
            }
        }
        if let ticket {
            do {
                try await worker.log.waitUntilDurable(ticket)
            } catch {
                return Self.response(.error(500, nil, "the request log could not be written"))
            }
        }
        return Self.response(reply)
    }

    /// Compares the presented token with the configured one in time independent of where they differ.
    func authorized(_ header: String?) -> Bool {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return false }
        let presented = Array(header.utf8.dropFirst(7))
        var difference = UInt8(presented.count == token.count ? 0 : 1)
        for index in 0..<max(presented.count, token.count) {
            let left = index < presented.count ? presented[index] : 0
            let right = index < token.count ? token[index] : 0
            difference |= left ^ right
        }
        return difference == 0 && !token.isEmpty
    }

    /// `https://host/scim/v2`, from the Host header and the forwarded scheme behind a proxy.
    func baseURL(_ request: Request, prefix: String) -> String {
        let forwarded = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased()
        let scheme = tls ? "https" : (forwarded == "https" ? "https" : "http")
        let host = request.head.authority ?? "localhost"
        return "\(scheme)://\(host)\(prefix)"
    }

    /// The route of a path and the base path before it: `/scim/v2/Users/1` → (users 1, `/scim/v2`).
    static func route(_ path: String) -> (Route, String) {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let names = [
            "users", "groups", "serviceproviderconfig", "serviceproviderconfigs", "schemas", "resourcetypes", "bulk",
        ]
        guard let index = segments.firstIndex(where: { names.contains($0.lowercased()) }) else {
            let trimmed = segments.last == "" ? segments.dropLast() : segments[...]
            guard trimmed.last?.lowercased() == ".search" else { return (.unknown, "") }
            return (.rootSearch, trimmed.dropLast().joined(separator: "/"))
        }
        let prefix = segments[..<index].joined(separator: "/")
        var rest = Array(segments[(index + 1)...])
        if rest.last == "" { rest.removeLast() }
        guard rest.count <= 1 else { return (.unknown, prefix) }
        let id = rest.first.flatMap { QueryParameters.decode(Substring($0)) }
        if rest.first != nil && (id == nil || id!.isEmpty) { return (.unknown, prefix) }
        switch segments[index].lowercased() {
        case "users": return (id?.lowercased() == ".search" ? .search(.users) : .users(id: id), prefix)
        case "groups": return (id?.lowercased() == ".search" ? .search(.groups) : .groups(id: id), prefix)
        case "serviceproviderconfig", "serviceproviderconfigs":
            return (id == nil ? .serviceProviderConfig : .unknown, prefix)
        case "schemas": return (.schemas(id: id), prefix)
        case "resourcetypes": return (.resourceTypes(id: id), prefix)
        default: return (.bulk, prefix)
        }
    }

    static func response(_ reply: SCIMReply) -> Response {
        var headers = HTTPFields()
        for (name, value) in reply.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        guard let body = reply.body, reply.status != 204 else {
            return Response(status: .init(code: reply.status), headers: headers)
        }
        var bytes: [UInt8] = []
        JSONWriter.write(body, into: &bytes)
        headers[.contentType] = contentType
        headers[.contentLength] = String(bytes.count)
        return Response(
            status: .init(code: reply.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
