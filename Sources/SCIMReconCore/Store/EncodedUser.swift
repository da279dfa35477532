import SCIMKit

/// A user as the stores write it: the look-up columns as text, the attributes and the resource
/// already encoded as JSON (keys sorted, as every store writes them). A run's cache holds the
/// changed users it has no room to keep decoded in this form, and hands them to the store as they
/// are (`ProvisioningStore.saveEncodedUsers`): a write-back costs no decode and re-encode.
public struct EncodedUser: Sendable {
    public var app: String
    public var id: String
    public var active: Bool
    public var disabledAt: Timestamp?
    public var deleteAfter: Timestamp?
    /// Whether the store may already hold a user by this id. `false` only when the run created the
    /// user and has not written it yet, so a store can try its insert first; it is a hint for the
    /// order of statements, and a store still updates a row it finds.
    public var stored: Bool
    /// The digest of the stateful row this state is exactly what it gives (`RowDigest`), or nil:
    /// the store keeps it with the user until the next write.
    public var rowDigest: Fingerprint?
    /// One allocation for the rest: the attributes' JSON, the resource's JSON, then userName,
    /// externalId and email as UTF-8, at these offsets (`-1`: absent).
    private let bytes: [UInt8]
    private let scimStart: Int32
    private let userNameStart: Int32
    private let externalIDStart: Int32
    private let emailStart: Int32
    private let externalIDEnd: Int32

    public init(_ user: LocalUser, stored: Bool, rowDigest: Fingerprint? = nil) {
        self.rowDigest = rowDigest
        app = user.app
        id = user.id
        active = user.active
        disabledAt = user.disabledAt
        deleteAfter = user.deleteAfter
        self.stored = stored
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1_536)
        let members = user.attributes.sorted { $0.key < $1.key }.map {
            JSONObject.Member(key: $0.key, value: .string($0.value))
        }
        JSONWriter.write(.object(JSONObject(members)), into: &buffer)
        scimStart = Int32(buffer.count)
        JSONWriter.write(.object(user.scim), into: &buffer)
        userNameStart = Int32(buffer.count)
        buffer.append(contentsOf: user.userName.utf8)
        externalIDStart = user.externalID == nil ? -1 : Int32(buffer.count)
        buffer.append(contentsOf: (user.externalID ?? "").utf8)
        externalIDEnd = Int32(buffer.count)
        emailStart = user.email == nil ? -1 : Int32(buffer.count)
        buffer.append(contentsOf: (user.email ?? "").utf8)
        // Held for the rest of a run: no spare capacity.
        bytes = [UInt8](unsafeUninitializedCapacity: buffer.count) { target, count in
            count = target.initialize(fromContentsOf: buffer)
        }
    }

    /// The mapped attributes as a JSON object of strings, keys sorted.
    public var attributes: ArraySlice<UInt8> { bytes[..<Int(scimStart)] }
    /// The SCIM resource as a JSON object, keys sorted.
    public var scim: ArraySlice<UInt8> { bytes[Int(scimStart)..<Int(userNameStart)] }
    public var attributesText: String { String(decoding: attributes, as: UTF8.self) }
    public var scimText: String { String(decoding: scim, as: UTF8.self) }

    public var userName: String {
        String(
            decoding: bytes[Int(userNameStart)..<Int(externalIDStart < 0 ? externalIDEnd : externalIDStart)],
            as: UTF8.self)
    }
    public var externalID: String? {
        externalIDStart < 0 ? nil : String(decoding: bytes[Int(externalIDStart)..<Int(externalIDEnd)], as: UTF8.self)
    }
    public var email: String? {
        emailStart < 0 ? nil : String(decoding: bytes[Int(emailStart)...], as: UTF8.self)
    }

    /// What holding it costs, roughly: its bytes, and the keys a run's cache keeps it under (its
    /// tier, the dirty set and three look-ups by key).
    public var heldBytes: Int { bytes.count + 400 }

    /// The user back, decoded; a text that does not read is reported as `StoreError` naming it.
    public func decoded(parser: inout JSONParser) throws(StoreError) -> LocalUser {
        func unreadable(_ why: String) -> StoreError {
            StoreError("the held copy of user '\(id)' (\(app)) does not read back: \(why)")
        }
        func object(_ text: ArraySlice<UInt8>, _ name: String) throws(StoreError) -> JSONObject {
            let parsed: JSONValue
            do {
                parsed = try text.withUnsafeBufferPointer { text throws(JSONParseError) in try parser.parse(text) }
            } catch {
                throw unreadable("\(name): \(error)")
            }
            guard let object = parsed.objectValue else { throw unreadable("\(name) is not a JSON object") }
            return object
        }
        let stored = try object(attributes, "attributes")
        var values: [String: String] = [:]
        values.reserveCapacity(stored.count)
        for member in stored {
            guard let value = member.value.stringValue else { throw unreadable("attribute '\(member.key)'") }
            values[member.key] = value
        }
        return LocalUser(
            app: app, id: id, attributes: values, active: active, scim: try object(scim, "scim"),
            disabledAt: disabledAt, deleteAfter: deleteAfter)
    }
}
