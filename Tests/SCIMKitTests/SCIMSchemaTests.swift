import SCIMKit
import Testing

@Suite struct SCIMSchemaTests {
    @Test func looksUpAttributesCaseInsensitively() throws {
        let userName = try #require(SCIMSchema.user.attribute(named: "USERNAME"))
        #expect(userName.name == "userName")
        #expect(!userName.caseExact)
        #expect(userName.required)
        #expect(SCIMSchema.user.attribute(named: "id")?.caseExact == true)
        #expect(SCIMSchema.user.attribute(named: "externalId")?.caseExact == true)
        #expect(SCIMSchema.user.attribute(named: "id")?.mutability == .readOnly)
        #expect(SCIMSchema.user.attribute(named: "Emails")?.subAttribute(named: "PRIMARY")?.type == .boolean)
        #expect(SCIMSchema.user.attribute(named: "meta")?.subAttribute(named: "lastModified")?.type == .dateTime)
        #expect(SCIMSchema.group.attribute(named: "members")?.isMultiValuedComplex == true)
        #expect(SCIMSchema.user.attribute(named: "nope") == nil)
    }

    @Test func looksUpURNQualifiedNames() throws {
        let qualified = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:Department"
        #expect(SCIMSchema.enterpriseUser.attribute(qualifiedName: qualified)?.name == "department")
        #expect(SCIMSchema.schema(urn: "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:GROUP") == .group)
        let manager = try #require(
            SCIMSchema.definition(ofAttribute: "manager", schemaURN: SCIMSchema.enterpriseUserURN, type: .user))
        #expect(manager.schema == .enterpriseUser)
        #expect(manager.attribute.subAttribute(named: "value") != nil)
        // An unqualified enterprise name falls back to the extension; a Group has none.
        #expect(
            SCIMSchema.definition(ofAttribute: "costCenter", schemaURN: nil, type: .user)?.schema == .enterpriseUser)
        #expect(SCIMSchema.definition(ofAttribute: "costCenter", schemaURN: nil, type: .group) == nil)
        #expect(SCIMResourceType.user.extensionSchemas == [.enterpriseUser])
    }
}
