import SCIMKit

/// Tells an input's format from its first bytes, and refuses XML before any parser sees it.
public enum FormatDetector {
    /// Throws when the file starts like XML (SPEC §3.1: XML is an output format only).
    public static func refuseXML(path: String) throws(IngestError) {
        let head = try FileIdentity.readBytes(path: path, offset: 0, count: 512)
        if let first = firstSignificantByte(head), head[first] == UInt8(ascii: "<") {
            throw IngestError(
                code: "input.xml-refused",
                message: "the input is XML; scimrecon reads JSON and CSV only (XML is an output format)",
                location: path, kind: .input)
        }
    }

    /// The format of `path` judged from content, or nil when it cannot be told.
    public static func detect(path: String) throws(IngestError) -> InputFormat? {
        try refuseXML(path: path)
        let head = try FileIdentity.readBytes(path: path, offset: 0, count: 1 << 16)
        guard let first = firstSignificantByte(head) else { return nil }
        switch head[first] {
        case UInt8(ascii: "["):
            return looksLikeProviderLog(head) ? .graphLogs : .scimList
        case UInt8(ascii: "{"):
            let lineEnd = head[first...].firstIndex(of: 0x0A) ?? head.endIndex
            if let object = (try? JSONParser.parse(Array(head[first..<lineEnd])))?.objectValue {
                if object["method"] != nil, object["path"] != nil { return .scimLog }
                if object["Operations"] != nil { return .scimBulk }
                if object["value"] != nil, object["Resources"] == nil { return .graphLogs }
                if object["records"] != nil || object["activityDateTime"] != nil { return .graphLogs }
                if let properties = object["properties"]?.objectValue, properties["activityDateTime"] != nil {
                    return .graphLogs
                }
                return .scimList
            }
            let text = String(decoding: head, as: UTF8.self).lowercased()
            if looksLikeProviderLog(head) { return .graphLogs }
            if text.contains("\"operations\"") { return .scimBulk }
            if text.contains("\"resources\"") { return .scimList }
            return nil
        default:
            let lineEnd = head.firstIndex(of: 0x0A) ?? head.endIndex
            let firstLine = head[..<lineEnd]
            if firstLine.contains(UInt8(ascii: ",")) || firstLine.contains(UInt8(ascii: ";"))
                || firstLine.contains(0x09) || path.lowercased().hasSuffix(".csv")
            {
                return .csv
            }
            return nil
        }
    }

    /// Whether the head of a document names the members every provisioning record has
    /// (`activityDateTime` with `provisioningSteps` or `provisioningStatusInfo`), which no SCIM
    /// resource or message does.
    static func looksLikeProviderLog(_ head: [UInt8]) -> Bool {
        let text = String(decoding: head, as: UTF8.self).lowercased()
        return text.contains("\"activitydatetime\"")
            && (text.contains("\"provisioningsteps\"") || text.contains("\"provisioningstatusinfo\"")
                || text.contains("\"statusinfo\""))
    }

    static func firstSignificantByte(_ bytes: [UInt8]) -> Int? {
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        return bytes[start...].firstIndex { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A }
    }
}
