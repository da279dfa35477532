/// Application names compare case-insensitively everywhere (SPEC §2): `Azure AD`, `azure ad` and
/// `AZURE AD` are one application, kept under the spelling it was first recorded with.
public enum AppName {
    /// The case-folded key that identifies an application, computed in Swift (full Unicode case
    /// mapping), so every store folds `É` the same way.
    public static func key(_ name: String) -> String { name.lowercased() }

    /// Whether two spellings name one application.
    public static func same(_ left: String, _ right: String) -> Bool { key(left) == key(right) }

    /// Each of `names` as the store spells it, and the names the store does not know.
    public static func resolve(_ names: [String], known: [String]) -> (resolved: [String], unknown: [String]) {
        var resolved: [String] = []
        var unknown: [String] = []
        for name in names {
            if let match = known.first(where: { same($0, name) }) {
                if !resolved.contains(match) { resolved.append(match) }
            } else {
                unknown.append(name)
            }
        }
        return (resolved, unknown)
    }
}
