import Foundation
import SCIMKit
import SCIMReconTestSupport

/// Provider logs in each shape Entra ships them, written by the tests (names and values are ours).
enum GraphLogFixtures {
    static let app = "Fabrikam Portal"

    /// One `provisioningObjectSummary` as Graph v1.0 returns it.
    static func summary(
        id: String, time: String, action: String = "update", status: String = "success", target: String,
        user: String, properties: [(String, String?, String?)] = [], errorCode: String? = nil
    ) -> String {
        let modified = properties.map { name, old, new in
            "{\"displayName\":\"\(name)\",\"oldValue\":\(old.map { "\"\($0)\"" } ?? "null"),"
                + "\"newValue\":\(new.map { "\"\($0)\"" } ?? "null")}"
        }.joined(separator: ",")
        let error =
            errorCode.map {
                "{\"errorCode\":\"\($0)\",\"reason\":\"the portal refused it\",\"errorCategory\":\"NonServiceFailure\"}"
            } ?? "null"
        return """
            {"id":"\(id)","activityDateTime":"\(time)","jobId":"fabrikam.job","cycleId":"cy-1","changeId":"ch-\(id)",
             "provisioningAction":"\(action)","durationInMilliseconds":812,
             "servicePrincipal":{"id":"sp-fab","displayName":"Fabrikam Portal SCIM"},
             "sourceIdentity":{"id":"obj-\(user)","displayName":"\(user)","identityType":"User","details":{"UserPrincipalName":"\(user)"}},
             "targetIdentity":{"id":"\(target)","displayName":"","identityType":"User","details":{}},
             "modifiedProperties":[\(modified)],
             "provisioningSteps":[{"name":"EntryImport","provisioningStepType":"import","status":"success","description":"received","details":{}}],
             "provisioningStatusInfo":{"status":"\(status)","errorInformation":\(error)}}
            """
    }

    /// A Graph page: `{"@odata.context", "value": [...]}`, with a next link when `next`.
    static func page(_ records: [String], next: Bool) -> String {
        "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#auditLogs/provisioning\","
            + (next
                ? "\"@odata.nextLink\":\"https://graph.microsoft.com/v1.0/auditLogs/provisioning?$skiptoken=x\"," : "")
            + "\"value\":[\n" + records.joined(separator: ",\n") + "\n]}\n"
    }

    /// An Azure Monitor record: Id/Name keys, numbered step and status values, `properties`
    /// holding the summary, the deprecated `action` and `statusInfo` beside the current fields.
    static func monitorRecord(
        id: String, time: String, actionNumber: Int, statusNumber: Int, target: String, user: String,
        active: String? = nil, currentFields: Bool = true
    ) -> String {
        let actionNames = ["Other", "Create", "Delete", "Disable", "Update", "StagedDelete"]
        let statusNames = ["success", "failure", "skipped", "warning"]
        let modified = active.map { "[{\"displayName\":\"active\",\"oldValue\":null,\"newValue\":\"\($0)\"}]" } ?? "[]"
        let current =
            currentFields
            ? "\"provisioningAction\":\(actionNumber),\"provisioningStatusInfo\":{\"Status\":\"\(statusNames[statusNumber])\",\"errorInformation\":null},"
            : ""
        return "{\"time\":\"\(time)\",\"resourceId\":\"/tenants/t-1/providers/Microsoft.aadiam\","
            + "\"operationName\":\"Provisioning activity\",\"category\":\"ProvisioningLogs\",\"Level\":4,"
            + "\"properties\":{\"id\":\"\(id)\",\"activityDateTime\":\"\(time)\",\"action\":\"\(actionNames[actionNumber])\","
            + current
            + "\"statusInfo\":{\"Status\":\(statusNumber)},"
            + "\"servicePrincipal\":{\"Id\":\"sp-fab\",\"Name\":\"Fabrikam Portal SCIM\"},"
            + "\"sourceIdentity\":{\"identityType\":\"User\",\"details\":{\"UserPrincipalName\":\"\(user)\"},\"Id\":\"obj-\(user)\",\"Name\":\"\(user)\"},"
            + "\"targetIdentity\":{\"identityType\":\"urn:ietf:params:scim:schemas:core:2.0:User\",\"details\":{},\"Id\":\"\(target)\",\"Name\":\"\"},"
            + "\"provisioningSteps\":[{\"name\":\"EntryImport\",\"provisioningStepType\":0,\"status\":0,\"description\":\"received\",\"details\":{}},"
            + "{\"name\":\"EntryExport\",\"provisioningStepType\":5,\"status\":\(statusNumber),\"description\":\"exported\",\"details\":{}}],"
            + "\"modifiedProperties\":\(modified),\"durationInMilliseconds\":640}}"
    }

    /// A SCIM request log creating `users` (userName, SCIM id, externalId) at `time`, as our
    /// endpoint would have logged them.
    static func requestLog(_ users: [(name: String, id: String, externalID: String)], time: String) -> String {
        users.enumerated().map { index, user in
            "{\"time\":\"\(time.replacingOccurrences(of: "00.000Z", with: String(format: "%02d.000Z", index)))\","
                + "\"method\":\"POST\",\"path\":\"/scim/v2/Users\",\"status\":201,"
                + "\"request\":{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
                + "\"userName\":\"\(user.name)\",\"externalId\":\"\(user.externalID)\",\"active\":true,"
                + "\"name\":{\"givenName\":\"G\",\"familyName\":\"F\"},"
                + "\"emails\":[{\"type\":\"work\",\"primary\":true,\"value\":\"\(user.name)\"}]},"
                + "\"response\":{\"id\":\"\(user.id)\"}}\n"
        }.joined()
    }
}
