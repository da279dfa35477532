import SCIMKit

/// Reads one provider record into a `ProviderClaim`: a Microsoft Graph `provisioningObjectSummary`
/// (a page's `value` element or an element of the portal's download), or an Azure Monitor /
/// Event Hub record whose `properties` hold one.
///
/// The shapes differ in small ways that all occur in real downloads: member names in either
/// case (`id`/`Id`, `displayName`/`Name`, `status`/`Status`), enumerations as names or as numbers,
/// the current fields (`provisioningAction`, `provisioningStatusInfo`) or the deprecated ones
/// (`action`, `statusInfo`), `servicePrincipal` as an object or a collection, and booleans in
/// `modifiedProperties` as the strings `True`/`False`.
enum GraphLogRecord {
    /// Graph's `provisioningAction` numbers, as Azure Monitor writes them.
    static let actionNumbers: [ProviderClaim.Action] = [.other, .create, .delete, .disable, .update, .stagedDelete]
    /// Graph's `provisioningResult` numbers.
    static let statusNumbers: [ProviderClaim.Status] = [.success, .failure, .skipped, .warning]

    /// The claim `object` makes, for `app`; throws the rule it breaks.
    static func claim(_ object: JSONObject, app: String, run: Int64, source: String) throws(IngestError)
        -> ProviderClaim
    {
        // An Azure Monitor record wraps the summary in `properties`, with its own `time`.
        var summary = object
        var recordTime: JSONValue?
        if let properties = member(object, "properties")?.objectValue, member(object, "activityDateTime") == nil {
            summary = properties
            recordTime = member(object, "time")
        }
        guard let id = text(member(summary, "id")), !id.isEmpty else {
            throw .rule("claim.missing-id", "a provisioning record needs its 'id'")
        }
        guard let timeValue = member(summary, "activityDateTime") ?? recordTime else {
            throw .rule("claim.missing-time", "a provisioning record needs its 'activityDateTime'")
        }
        guard let timeText = timeValue.stringValue, let time = Timestamp(rfc3339: timeText) else {
            throw .rule("claim.invalid-time", "'activityDateTime' is not an RFC 3339 time")
        }
        let action = try self.action(summary)
        let statusInfo =
            member(summary, "provisioningStatusInfo")?.objectValue
            ?? member(summary, "statusInfo")?
            .objectValue
        guard let statusInfo, let status = self.status(member(statusInfo, "status")) else {
            throw .rule(
                "claim.missing-status", "a provisioning record needs 'provisioningStatusInfo.status' (or 'statusInfo')")
        }
        let error = member(statusInfo, "errorInformation")?.objectValue ?? statusInfo
        let target = member(summary, "targetIdentity")?.objectValue
        let sourceIdentity = member(summary, "sourceIdentity")?.objectValue
        let changes = try modifiedProperties(summary)
        func changed(_ name: String) -> String? {
            guard let change = changes.first(where: { $0.attribute.caseInsensitiveEquals(name) }) else { return nil }
            return nonEmpty(change.new) ?? nonEmpty(change.old)
        }
        let principalName = (member(sourceIdentity, "details")?.objectValue).flatMap {
            nonEmpty(text(member($0, "userPrincipalName")))
        }
        let steps = try provisioningSteps(summary)
        let identityType = nonEmpty(text(member(target, "identityType") ?? member(target, "type")))
        // A group's identifier in the history is its displayName.
        let groupName =
            identityType?.lowercased().hasSuffix("group") == true
            ? changed("displayName") ?? nonEmpty(text(member(sourceIdentity, "displayName"))) : nil
        return ProviderClaim(
            id: id, time: time, app: app, run: run, action: action, status: status,
            identityType: identityType, targetID: nonEmpty(text(member(target, "id"))),
            user: changed("userName") ?? principalName ?? nonEmpty(text(member(target, "displayName"))) ?? groupName,
            externalID: changed("externalId"), sourceID: nonEmpty(text(member(sourceIdentity, "id"))),
            servicePrincipal: servicePrincipal(member(summary, "servicePrincipal")),
            errorCode: nonEmpty(text(member(error, "errorCode"))),
            errorReason: firstLine(nonEmpty(text(member(error, "reason"))) ?? steps), changes: changes,
            source: source)
    }

    /// A member by name in any letter case (`Id`, `id`, `ID`).
    static func member(_ object: JSONObject?, _ name: String) -> JSONValue? {
        guard let object else { return nil }
        if let exact = object[name] { return exact }
        if name == "displayName" || name == "name" {
            if let value = object.first(where: { $0.key.caseInsensitiveEquals("name") }) { return value.value }
        }
        return object.first { $0.key.caseInsensitiveEquals(name) }?.value
    }

    /// A scalar as text: strings as they are, numbers as written, booleans `true`/`false`.
    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let string): return string
        case .number(let literal): return literal
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.allSatisfy({ $0 == " " }) else { return nil }
        return text
    }

    static func firstLine(_ text: String?) -> String? {
        text.map { String($0.prefix { $0 != "\n" && $0 != "\r" }) }
    }

    /// `provisioningAction`, else the deprecated `action`; names in any case, or Graph's numbers.
    static func action(_ summary: JSONObject) throws(IngestError) -> ProviderClaim.Action {
        guard let value = member(summary, "provisioningAction") ?? member(summary, "action"), !value.isNull else {
            throw .rule("claim.missing-action", "a provisioning record needs 'provisioningAction' (or 'action')")
        }
        if case .number(let literal) = value, let number = Int(literal) {
            guard actionNumbers.indices.contains(number) else {
                throw .rule("claim.invalid-action", "'provisioningAction' \(literal) is not a known action number")
            }
            return actionNumbers[number]
        }
        guard let name = value.stringValue else {
            throw .rule("claim.invalid-action", "'provisioningAction' must be a name or a number")
        }
        return ProviderClaim.Action.allCases.first { $0.rawValue.caseInsensitiveEquals(name) } ?? .other
    }

    /// A status name in any case, or Graph's number.
    static func status(_ value: JSONValue?) -> ProviderClaim.Status? {
        switch value {
        case .number(let literal):
            guard let number = Int(literal), statusNumbers.indices.contains(number) else { return nil }
            return statusNumbers[number]
        case .string(let name):
            if let number = Int(name), statusNumbers.indices.contains(number) { return statusNumbers[number] }
            return ProviderClaim.Status.allCases.first { $0.rawValue.caseInsensitiveEquals(name) }
        default: return nil
        }
    }

    /// The acting application's name: an object, or a collection (its names joined).
    static func servicePrincipal(_ value: JSONValue?) -> String? {
        if let object = value?.objectValue { return nonEmpty(text(member(object, "displayName"))) }
        if let array = value?.arrayValue {
            let names = array.compactMap { nonEmpty(text(member($0.objectValue, "displayName"))) }
            return names.isEmpty ? nil : names.joined(separator: ", ")
        }
        return nil
    }

    /// `modifiedProperties`: `{displayName, oldValue, newValue}` each; `True`/`False` read as booleans.
    static func modifiedProperties(_ summary: JSONObject) throws(IngestError) -> [AttributeChange] {
        guard let value = member(summary, "modifiedProperties"), !value.isNull else { return [] }
        guard let items = value.arrayValue else {
            throw .rule("claim.invalid-properties", "'modifiedProperties' must be an array")
        }
        var changes: [AttributeChange] = []
        for item in items {
            guard let object = item.objectValue, let name = nonEmpty(text(member(object, "displayName"))) else {
                throw .rule("claim.invalid-properties", "each of 'modifiedProperties' needs a 'displayName'")
            }
            changes.append(
                AttributeChange(
                    attribute: name, old: propertyValue(member(object, "oldValue")),
                    new: propertyValue(member(object, "newValue"))))
        }
        return changes
    }

    /// A property value as the store would hold it: string booleans become `true`/`false`.
    static func propertyValue(_ value: JSONValue?) -> String? {
        guard let value, !value.isNull else { return nil }
        if let flag = SCIMBoolean.coerce(value) { return flag ? "true" : "false" }
        if let scalar = text(value) { return scalar }
        return JSONWriter.string(value)
    }

    /// The description of the first step that did not succeed (a reason when the record has no
    /// `errorInformation`). Step types and statuses may be names in any case or numbers.
    static func provisioningSteps(_ summary: JSONObject) throws(IngestError) -> String? {
        guard let value = member(summary, "provisioningSteps"), !value.isNull else { return nil }
        guard let steps = value.arrayValue else {
            throw .rule("claim.invalid-steps", "'provisioningSteps' must be an array")
        }
        for step in steps {
            guard let object = step.objectValue else {
                throw .rule("claim.invalid-steps", "each of 'provisioningSteps' must be an object")
            }
            if let status = status(member(object, "status")), status != .success {
                return nonEmpty(text(member(object, "description")))
            }
        }
        return nil
    }
}
