import SCIMKit

/// The `xml` record listing, valid against `schemas/records.xsd`.
///
/// ```xml
/// <users>
///   <user>
///     <field name="active" type="boolean">true</field>
///     <field name="groups" type="array">
///       <item type="string">Admins</item>
///     </field>
///     <field name="scim" type="object">
///       <field name="userName" type="string">alice</field>
///     </field>
///   </user>
/// </users>
/// ```
/// Every member is a `<field>` with its `name` and JSON `type` (`string`, `number`, `boolean`,
/// `null`, `array`, `object`), in key order; an array holds `<item>`s and an object `<field>`s,
/// to any depth. Characters XML 1.0 cannot carry become U+FFFD (`XMLText`).
public final class XMLRecordWriter: RecordWriter {
    private let table: RecordTable
    private let sink: OutputSink
    private var xml: XMLStreamWriter?

    /// A writer into `sink`.
    public init(table: RecordTable, sink: OutputSink) {
        self.table = table
        self.sink = sink
    }

    public func begin() throws {
        let xml = try XMLStreamWriter(sink: sink)
        self.xml = xml
        try xml.startElement(table.root)
    }

    public func write(_ record: JSONObject) throws {
        guard let xml else { throw ReportError.misuse("record written before begin") }
        try xml.startElement(table.element)
        for member in record.sortedMembers {
            try writeValue(member.value, element: "field", name: member.key, into: xml)
        }
        try xml.endElement()
    }

    public func finish() throws {
        guard let xml else { throw ReportError.misuse("finish before begin") }
        try xml.finish()
        self.xml = nil
    }

    private func writeValue(_ value: JSONValue, element: String, name: String?, into xml: XMLStreamWriter) throws {
        try xml.startElement(element)
        try xml.attribute("name", name)
        try xml.attribute("type", value.typeName)
        switch value {
        case .null: break
        case .bool(let flag): try xml.text(flag ? "true" : "false")
        case .number(let literal): try xml.text(literal)
        case .string(let text): try xml.text(text)
        case .array(let elements):
            for element in elements { try writeValue(element, element: "item", name: nil, into: xml) }
        case .object(let object):
            for member in object.sortedMembers {
                try writeValue(member.value, element: "field", name: member.key, into: xml)
            }
        }
        try xml.endElement()
    }
}
