extension ReportError: ClassifiedError {
    /// A report that could not be produced is an output failure (exit 74), like one that could
    /// not be written.
    public var kind: FailureKind { .output }
}
