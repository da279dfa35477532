#if canImport(Glibc)
    import Glibc
#endif

/// The one wording of a failed system call in a message: the system's own text, lowercased to
/// fit a message fragment (`cannot open: no such file or directory`), never Foundation's
/// `NSCocoaErrorDomain` noise.
public enum SystemErrorText {
    public static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text).lowercased()
    }
}
