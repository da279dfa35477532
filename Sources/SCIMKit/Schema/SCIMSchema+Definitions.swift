// The attribute definitions of RFC 7643 §4 and §8.7, restricted to the characteristics SCIMKit
// uses: type, multiValued, caseExact, mutability, required and sub-attributes.

extension SCIMAttribute {
    /// The sub-attributes most multi-valued attributes share (RFC 7643 §2.4).
    fileprivate static func standardMultiValued(
        _ name: String, valueType: DataType = .string, valueCaseExact: Bool = false
    ) -> SCIMAttribute {
        SCIMAttribute(
            name, .complex, multiValued: true,
            subAttributes: [
                SCIMAttribute("value", valueType, caseExact: valueCaseExact),
                SCIMAttribute("display"),
                SCIMAttribute("type"),
                SCIMAttribute("primary", .boolean),
            ])
    }

    /// `id`, `externalId`, `meta` and `schemas`, shared by every resource (RFC 7643 §3.1).
    fileprivate static let common: [SCIMAttribute] = [
        SCIMAttribute("id", caseExact: true, mutability: .readOnly),
        SCIMAttribute("externalId", caseExact: true),
        SCIMAttribute("schemas", .reference, multiValued: true, caseExact: true),
        SCIMAttribute(
            "meta", .complex, mutability: .readOnly,
            subAttributes: [
                SCIMAttribute("resourceType", caseExact: true, mutability: .readOnly),
                SCIMAttribute("created", .dateTime, mutability: .readOnly),
                SCIMAttribute("lastModified", .dateTime, mutability: .readOnly),
                SCIMAttribute("location", .reference, caseExact: true, mutability: .readOnly),
                SCIMAttribute("version", caseExact: true, mutability: .readOnly),
            ]),
    ]
}

extension SCIMSchema {
    /// The core User schema (RFC 7643 §4.1) with the common attributes.
    public static let user = SCIMSchema(
        id: userURN, name: "User",
        attributes: SCIMAttribute.common + [
            SCIMAttribute("userName", required: true),
            SCIMAttribute(
                "name", .complex,
                subAttributes: [
                    SCIMAttribute("formatted"), SCIMAttribute("familyName"), SCIMAttribute("givenName"),
                    SCIMAttribute("middleName"), SCIMAttribute("honorificPrefix"),
                    SCIMAttribute("honorificSuffix"),
                ]),
            SCIMAttribute("displayName"),
            SCIMAttribute("nickName"),
            SCIMAttribute("profileUrl", .reference, caseExact: true),
            SCIMAttribute("title"),
            SCIMAttribute("userType"),
            SCIMAttribute("preferredLanguage"),
            SCIMAttribute("locale"),
            SCIMAttribute("timezone"),
            SCIMAttribute("active", .boolean),
            SCIMAttribute("password", caseExact: true, mutability: .writeOnly),
            .standardMultiValued("emails"),
            .standardMultiValued("phoneNumbers"),
            .standardMultiValued("ims"),
            .standardMultiValued("photos", valueType: .reference, valueCaseExact: true),
            SCIMAttribute(
                "addresses", .complex, multiValued: true,
                subAttributes: [
                    SCIMAttribute("formatted"), SCIMAttribute("streetAddress"), SCIMAttribute("locality"),
                    SCIMAttribute("region"), SCIMAttribute("postalCode"), SCIMAttribute("country"),
                    SCIMAttribute("type"), SCIMAttribute("primary", .boolean),
                ]),
            SCIMAttribute(
                "groups", .complex, multiValued: true, mutability: .readOnly,
                subAttributes: [
                    SCIMAttribute("value", mutability: .readOnly),
                    SCIMAttribute("$ref", .reference, caseExact: true, mutability: .readOnly),
                    SCIMAttribute("display", mutability: .readOnly),
                    SCIMAttribute("type", mutability: .readOnly),
                ]),
            .standardMultiValued("entitlements"),
            .standardMultiValued("roles"),
            .standardMultiValued("x509Certificates", valueType: .binary, valueCaseExact: true),
        ])

    /// The enterprise User extension (RFC 7643 §4.3).
    public static let enterpriseUser = SCIMSchema(
        id: enterpriseUserURN, name: "EnterpriseUser",
        attributes: [
            SCIMAttribute("employeeNumber"),
            SCIMAttribute("costCenter"),
            SCIMAttribute("organization"),
            SCIMAttribute("division"),
            SCIMAttribute("department"),
            SCIMAttribute(
                "manager", .complex,
                subAttributes: [
                    SCIMAttribute("value"),
                    SCIMAttribute("$ref", .reference, caseExact: true),
                    SCIMAttribute("displayName", mutability: .readOnly),
                ]),
        ])

    /// The core Group schema (RFC 7643 §4.2) with the common attributes.
    public static let group = SCIMSchema(
        id: groupURN, name: "Group",
        attributes: SCIMAttribute.common + [
            SCIMAttribute("displayName", required: true),
            SCIMAttribute(
                "members", .complex, multiValued: true,
                subAttributes: [
                    SCIMAttribute("value", mutability: .immutable),
                    SCIMAttribute("$ref", .reference, caseExact: true, mutability: .immutable),
                    SCIMAttribute("type", mutability: .immutable),
                    SCIMAttribute("display"),
                ]),
        ])
}
