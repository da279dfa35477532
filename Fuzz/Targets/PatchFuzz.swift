import SCIMKit

/// A user with every kind of attribute the applier touches.
let fuzzUser: JSONObject = {
    let text = #"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
         "id":"1","userName":"a@x","active":true,"name":{"givenName":"A","familyName":"B"},
         "emails":[{"value":"a@x","type":"work","primary":true},{"value":"h@x","type":"home"}],
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D","manager":{"value":"2"}}}
        """#
    return (try? JSONParser.parse(text).objectValue) ?? JSONObject()
}()

/// libFuzzer entry: a PATCH body is parsed and applied to a user and to a group; the applier
/// throws or succeeds, never crashes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPatch(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let json = try? JSONParser.parse(Array(UnsafeBufferPointer(start: data, count: size))),
        let request = try? PatchRequest(json: json)
    else { return 0 }
    _ = try? PatchApplier.apply(request, to: fuzzUser, type: .user)
    _ = try? PatchApplier.apply(request, to: JSONObject(), type: .group)
    return 0
}
