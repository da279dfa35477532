import SCIMKit

/// The digest of a stateful row (a snapshot's resource, a CSV row) under the settings that turn
/// it into a user: the row's bytes, the mapping, and for CSV the header's paths.
///
/// A user the row created or updated, or found unchanged, keeps the digest in the store
/// (`ProvisioningStore.setRowDigests`) until anything else writes it. The same bytes under the
/// same settings give the same user, so when a later snapshot or import holds the row again and
/// the store still has that user as the row left it (`userWritten(app:byRow:unsharedKeys:)`),
/// the row is unchanged without being parsed, normalised, mapped or compared: the common case
/// of a scheduled snapshot, where most users did not change since the last one.
public struct RowDigest: Sendable {
    /// Bump whenever normalising, mapping or building a CSV row could give another user from the
    /// same bytes: the digests stored before then no longer match, and those rows are read in full.
    static let rules = "scimrecon row digest 1"

    private let seed: StableHash

    /// - Parameter layout: what else decides the user (a CSV file's header paths), if anything.
    public init(mapping: Mapping, layout: String = "") {
        var seed = StableHash()
        seed.combine(Self.rules)
        mapping.combineDigest(into: &seed)
        seed.combine(layout)
        self.seed = seed
    }

    /// The digest of one row's bytes.
    public func digest(_ bytes: UnsafeRawBufferPointer) -> Fingerprint {
        var hash = seed
        hash.combine(bytes)
        return hash.fingerprint
    }

    /// The digest of a CSV row's cells (each one's length, then its bytes).
    public func digest(fields: [String]) -> Fingerprint {
        var hash = seed
        for field in fields {
            var copy = field
            copy.withUTF8 { bytes in
                var length = UInt64(bytes.count).littleEndian
                withUnsafeBytes(of: &length) { hash.combine($0) }
                hash.combine(UnsafeRawBufferPointer(bytes))
            }
        }
        return hash.fingerprint
    }
}

/// A user a row digest found (`ProvisioningStore.userWritten`): its id, and its values of the
/// look-up keys asked about, folded as the store holds them (`MatchKey.folded`).
public struct RowWrittenUser: Sendable, Hashable {
    public var id: String
    public var keys: [MatchKey: String]

    public init(id: String, keys: [MatchKey: String]) {
        self.id = id
        self.keys = keys
    }

    /// What an SQL store selects from `users u` to answer for `keys` (no `id`): the id, each key's
    /// column, then for each key whether another user of the app has the same value.
    public static func selectList(_ keys: [MatchKey]) -> String {
        let columns = keys.map { "u.\($0.storeColumn)" }
        let shared = keys.map { key in
            let column = key.storeColumn
            return "EXISTS(SELECT 1 FROM users o WHERE o.app = u.app AND o.\(column) = u.\(column) AND o.id <> u.id)"
        }
        return (["u.id"] + columns + shared).joined(separator: ", ")
    }
}
