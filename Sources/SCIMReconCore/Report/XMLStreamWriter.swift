import CLibXML2

/// libxml2's `xmlTextWriter`, streaming into an `OutputSink` through an output buffer's write
/// callback: libxml2 escapes markup, the sink batches the bytes, nothing accumulates.
///
/// Text and attribute values pass through `XMLText.sanitized` first, because libxml2 writes
/// characters XML 1.0 cannot carry as they are, which would make the document ill-formed.
/// Every libxml2 return code is checked; a failure of the sink is rethrown as its `OutputError`.
final class XMLStreamWriter {
    private let bridge: SinkBridge
    private var writer: xmlTextWriterPtr?

    /// Starts a document (`<?xml version="1.0" encoding="UTF-8"?>`), indenting nested elements.
    init(sink: OutputSink) throws {
        _ = libxml2Initialized
        bridge = SinkBridge(sink: sink)
        let context = Unmanaged.passUnretained(bridge).toOpaque()
        // libxml2 owns the output buffer from here: freeing the writer closes it.
        guard let output = xmlOutputBufferCreateIO(sinkWriteCallback, nil, context, nil),
            let writer = xmlNewTextWriter(output)
        else { throw ReportError.xmlWriter(operation: "creating the writer") }
        self.writer = writer
        try check(xmlTextWriterSetIndent(writer, 1), "setting the indentation")
        try check(withXMLChars("  ") { xmlTextWriterSetIndentString(writer, $0) }, "setting the indentation")
        try check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil), "starting the document")
    }

    deinit {
        if let writer { xmlFreeTextWriter(writer) }
    }

    /// Opens an element.
    func startElement(_ name: String) throws {
        let writer = try live()
        try check(withXMLChars(name) { xmlTextWriterStartElement(writer, $0) }, "starting <\(name)>")
    }

    /// Writes an attribute of the element just opened (escaped, sanitised).
    func attribute(_ name: String, _ value: String) throws {
        let writer = try live()
        let result = withXMLChars(name) { name in
            withXMLChars(XMLText.sanitized(value)) { xmlTextWriterWriteAttribute(writer, name, $0) }
        }
        try check(result, "writing attribute \(name)")
    }

    /// Writes an attribute when there is a value.
    func attribute(_ name: String, _ value: String?) throws {
        if let value { try attribute(name, value) }
    }

    /// Writes text content (escaped, sanitised).
    func text(_ value: String) throws {
        let writer = try live()
        let result = withXMLChars(XMLText.sanitized(value)) { xmlTextWriterWriteString(writer, $0) }
        try check(result, "writing text")
    }

    /// `<name>text</name>`.
    func element(_ name: String, text value: String) throws {
        try startElement(name)
        try text(value)
        try endElement()
    }

    /// Closes the innermost open element.
    func endElement() throws {
        try check(xmlTextWriterEndElement(try live()), "ending an element")
    }

    /// Closes every open element, ends the document, and hands everything to the sink.
    func finish() throws {
        let writer = try live()
        try check(xmlTextWriterEndDocument(writer), "ending the document")
        try check(xmlTextWriterFlush(writer), "flushing")
        xmlFreeTextWriter(writer)
        self.writer = nil
        if let error = bridge.error { throw error }
        try bridge.sink.flush()
    }

    private func live() throws -> xmlTextWriterPtr {
        guard let writer else { throw ReportError.misuse("xml written after finish") }
        return writer
    }

    private func check(_ result: Int32, _ operation: @autoclosure () -> String) throws {
        guard result < 0 else { return }
        if let error = bridge.error { throw error }
        throw ReportError.xmlWriter(operation: operation())
    }
}

/// The sink as libxml2's write callback sees it, and the first error it met (libxml2 only
/// learns that the write failed, not why).
private final class SinkBridge {
    let sink: OutputSink
    var error: OutputError?

    init(sink: OutputSink) { self.sink = sink }
}

/// Hands libxml2's output to the sink; -1 tells libxml2 the write failed.
private func sinkWriteCallback(
    _ context: UnsafeMutableRawPointer?, _ bytes: UnsafePointer<CChar>?, _ length: Int32
) -> Int32 {
    guard let context, let bytes, length >= 0 else { return -1 }
    let bridge = Unmanaged<SinkBridge>.fromOpaque(context).takeUnretainedValue()
    guard bridge.error == nil else { return -1 }
    do {
        try bridge.sink.write(UnsafeRawBufferPointer(start: bytes, count: Int(length)))
        return length
    } catch {
        bridge.error = error
        return -1
    }
}

/// Calls `body` with `text` as a NUL-terminated `xmlChar` string. Sanitised text holds no NUL.
private func withXMLChars(_ text: String, _ body: (UnsafePointer<xmlChar>) -> Int32) -> Int32 {
    text.withCString { pointer in
        pointer.withMemoryRebound(to: xmlChar.self, capacity: text.utf8.count + 1, body)
    }
}

/// libxml2 asks to be initialised once before use from several threads; a global `let` runs its
/// initialiser exactly once, on first use.
private let libxml2Initialized: Void = xmlInitParser()
