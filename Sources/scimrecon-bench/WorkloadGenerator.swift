/// Writes a reproducible workload from a seed: a SCIM request log in the shapes Microsoft Entra
/// ID and Okta send, a ListResponse snapshot and a CSV export of the same users.
///
/// The log's mix is 70% PATCH (of which one in twenty changes a group's members and one in
/// seven is a deactivation, so deactivations are 10% of the log), 15% POST (users, and a few
/// groups first), 5% DELETE. User `k` has id `u-k`, userName `user<k>@contoso.example` and
/// externalId `ext-k` everywhere, so the snapshot and the CSV describe the log's users.
struct WorkloadGenerator {
    var seed: UInt64
    var users: Int
    var events: Int
    /// Groups created at the start of the log (`g-0` …).
    var groups: Int = 20

    static let bearer = "Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.YmVuY2gtY2FuYXJ5LXRva2Vu.BENCH-CANARY-SIG"
    static let coreSchema = "urn:ietf:params:scim:schemas:core:2.0:User"
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    static let patchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    static let departments = ["Engineering", "Sales", "Finance", "Legal", "Research", "Support", "Marketing"]
    static let titles = ["Engineer", "Manager", "Analyst", "Director", "Consultant", "Designer"]

    /// Writes the request log to `path`; returns the number of records written.
    func writeLog(to path: String) throws(BenchError) -> Int {
        let sink = try FileSink(path: path)
        var random = SplitMix(seed: seed)
        var live: [Int] = []
        var nextUser = 0
        let step = max(1, min(97, 29 * 86_400_000 / max(events, 1)))
        for index in 0..<events {
            let time = Self.timestamp(milliseconds: Int64(index) * Int64(step) + Int64(random.below(step)))
            if index < groups {
                sink.write(groupPost(index, time: time))
                continue
            }
            let roll = random.below(100)
            if roll < 15 || live.count < 2 {
                sink.write(userPost(nextUser, time: time, random: &random))
                live.append(nextUser)
                nextUser += 1
            } else if roll < 20 {
                let slot = random.below(live.count)
                sink.write(userDelete(live[slot], time: time))
                live.swapAt(slot, live.count - 1)
                live.removeLast()
            } else if roll < 30 {
                sink.write(userPatch(live[random.below(live.count)], time: time, deactivate: true, random: &random))
            } else if roll < 33 && groups > 0 {
                sink.write(groupPatch(random.below(groups), member: live[random.below(live.count)], time: time))
            } else {
                sink.write(userPatch(live[random.below(live.count)], time: time, deactivate: false, random: &random))
            }
        }
        try sink.close()
        return events
    }

    /// `2026-12-01T00:00:00.000Z` plus `milliseconds`.
    static func timestamp(milliseconds: Int64) -> String {
        let day = 1 + milliseconds / 86_400_000
        let rest = milliseconds % 86_400_000
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "2026-12-\(pad(day, 2))T\(pad(rest / 3_600_000, 2)):\(pad(rest / 60_000 % 60, 2)):"
            + "\(pad(rest / 1000 % 60, 2)).\(pad(rest % 1000, 3))Z"
    }

    /// Okta sends every third user; Entra ID the others.
    static func isOkta(_ user: Int) -> Bool { user % 3 == 0 }

    func envelope(time: String, method: String, path: String, status: Int, request: String?, response: String?)
        -> String
    {
        var line =
            "{\"time\":\"\(time)\",\"method\":\"\(method)\",\"path\":\"/scim/v2/\(path)\",\"status\":\(status),"
            + "\"headers\":{\"Authorization\":\"\(Self.bearer)\",\"Content-Type\":\"application/scim+json\"}"
        if let request { line += ",\"request\":\(request)" }
        if let response { line += ",\"response\":\(response)" }
        return line + "}\n"
    }

    /// The user resource of user `k` (without `id`), as a JSON object's members.
    static func userMembers(_ user: Int, title: String, department: String, active: Bool = true) -> String {
        let given = "Given\(user)"
        let family = "Family\(user % 997)"
        return "\"externalId\":\"ext-\(user)\",\"userName\":\"user\(user)@contoso.example\",\"active\":\(active),"
            + "\"displayName\":\"\(given) \(family)\",\"name\":{\"givenName\":\"\(given)\",\"familyName\":\"\(family)\","
            + "\"formatted\":\"\(given) \(family)\"},\"emails\":[{\"primary\":true,\"type\":\"work\","
            + "\"value\":\"user\(user)@contoso.example\"}],\"title\":\"\(title)\","
            + "\"\(enterprise)\":{\"department\":\"\(department)\",\"employeeNumber\":\"\(user)\"}"
    }

    func userPost(_ user: Int, time: String, random: inout SplitMix) -> String {
        let title = Self.titles[random.below(Self.titles.count)]
        let department = Self.departments[random.below(Self.departments.count)]
        let body =
            "{\"schemas\":[\"\(Self.coreSchema)\",\"\(Self.enterprise)\"],"
            + Self.userMembers(user, title: title, department: department)
            + (Self.isOkta(user) ? ",\"password\":\"bench-password-\(user)\"}" : "}")
        return envelope(
            time: time, method: "POST", path: "Users", status: 201, request: body,
            response: "{\"id\":\"u-\(user)\",\"userName\":\"user\(user)@contoso.example\"}")
    }

    func userPatch(_ user: Int, time: String, deactivate: Bool, random: inout SplitMix) -> String {
        let operations: String
        if Self.isOkta(user) {
            operations =
                deactivate
                ? "{\"op\":\"replace\",\"value\":{\"active\":false}}"
                : "{\"op\":\"replace\",\"value\":{\"title\":\"\(Self.titles[random.below(Self.titles.count)])\","
                    + "\"displayName\":\"Given\(user) Family\(user % 997)-\(random.below(100))\"}}"
        } else {
            operations =
                deactivate
                ? "{\"op\":\"Replace\",\"path\":\"active\",\"value\":\"False\"}"
                : "{\"op\":\"Replace\",\"path\":\"title\",\"value\":\"\(Self.titles[random.below(Self.titles.count)])\"},"
                    + "{\"op\":\"Replace\",\"path\":\"\(Self.enterprise):department\","
                    + "\"value\":\"\(Self.departments[random.below(Self.departments.count)])\"}"
        }
        let body = "{\"schemas\":[\"\(Self.patchSchema)\"],\"Operations\":[\(operations)]}"
        return envelope(time: time, method: "PATCH", path: "Users/u-\(user)", status: 204, request: body, response: nil)
    }

    func userDelete(_ user: Int, time: String) -> String {
        envelope(time: time, method: "DELETE", path: "Users/u-\(user)", status: 204, request: nil, response: nil)
    }

    func groupPost(_ group: Int, time: String) -> String {
        let body =
            "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"displayName\":\"Team \(group)\","
            + "\"externalId\":\"grp-\(group)\",\"members\":[]}"
        return envelope(
            time: time, method: "POST", path: "Groups", status: 201, request: body,
            response: "{\"id\":\"g-\(group)\",\"displayName\":\"Team \(group)\"}")
    }

    func groupPatch(_ group: Int, member: Int, time: String) -> String {
        let body =
            "{\"schemas\":[\"\(Self.patchSchema)\"],\"Operations\":[{\"op\":\"Add\",\"path\":\"members\","
            + "\"value\":[{\"value\":\"u-\(member)\"}]}]}"
        return envelope(
            time: time, method: "PATCH", path: "Groups/g-\(group)", status: 204, request: body, response: nil)
    }

    /// Writes a ListResponse of users `0..<users` to `path`, one resource per line.
    func writeSnapshot(to path: String) throws(BenchError) {
        let sink = try FileSink(path: path)
        sink.write(
            "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:ListResponse\"],\"totalResults\":\(users),"
                + "\"itemsPerPage\":\(users),\"startIndex\":1,\"Resources\":[\n")
        var random = SplitMix(seed: seed ^ 0x5A5A)
        for user in 0..<users {
            let title = Self.titles[random.below(Self.titles.count)]
            let department = Self.departments[random.below(Self.departments.count)]
            sink.write(
                "{\"schemas\":[\"\(Self.coreSchema)\",\"\(Self.enterprise)\"],\"id\":\"u-\(user)\","
                    + Self.userMembers(user, title: title, department: department)
                    + ",\"meta\":{\"resourceType\":\"User\",\"lastModified\":\"2026-11-30T00:00:00Z\"}}"
                    + (user + 1 < users ? ",\n" : "\n"))
        }
        sink.write("]}\n")
        try sink.close()
    }

    /// The CSV header: SCIM paths, so `scimrecon import --format csv` needs no job file.
    static let csvHeader =
        "userName,externalId,displayName,name.givenName,name.familyName,\"emails[type eq \"\"work\"\"].value\","
        + "title,active\n"

    /// Writes a CSV export of users `0..<users` to `path`.
    func writeCSV(to path: String) throws(BenchError) {
        let sink = try FileSink(path: path)
        sink.write(Self.csvHeader)
        var random = SplitMix(seed: seed ^ 0xC5C5)
        for user in 0..<users {
            let title = Self.titles[random.below(Self.titles.count)]
            sink.write(
                "user\(user)@contoso.example,ext-\(user),Given\(user) Family\(user % 997),Given\(user),"
                    + "Family\(user % 997),user\(user)@contoso.example,\(title),true\n")
        }
        try sink.close()
    }
}
