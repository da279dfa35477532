/// The parts of every subcommand's `--help` that an administrator looks for: an example, where
/// the store is, and what the exit codes mean (the table itself lives in `ExitStatus`).
enum HelpText {
    static let store = """
        STORE: --store PATH or postgres://user@host:port/db, else the job's `store:`, else $SCIMRECON_STORE, \
        else \(StoreAccess.defaultLocation) (relative to the working directory).
        """

    static var exitCodes: String {
        "EXIT CODES:\n" + ExitStatus.allCases.map { "  \($0.rawValue)\t\($0.meaning)" }.joined(separator: "\n")
    }

    /// The discussion block: examples first, then the store and the exit codes.
    static func discussion(_ examples: String...) -> String {
        "EXAMPLES:\n" + examples.map { "  " + $0 }.joined(separator: "\n") + "\n\n" + store + "\n\n" + exitCodes
    }
}
