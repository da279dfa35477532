/// The rules for values of multi-valued attributes: what counts as the same value, merging
/// without duplicates, and keeping at most one `primary`.
enum MultiValued {
    /// Whether two values of a multi-valued attribute are the same value.
    ///
    /// Complex values with a `value` sub-attribute are the same when their `value`s are equal
    /// (case-insensitively unless `caseExact`) and, when both carry a `type`, their types are
    /// equal; complex values without `value` (addresses) when they are equal apart from `primary`:
    /// a `type` is a label, not an identity, and two work addresses are legal (RFC 7644 §3.5.2.1
    /// adds a new value); scalars when equal.
    static func isSame(_ lhs: JSONValue, _ rhs: JSONValue, definition: SCIMAttribute?) -> Bool {
        switch (lhs, rhs) {
        case (.object(let left), .object(let right)):
            if let leftValue = left["value"], let rightValue = right["value"] {
                guard scalarEquals(leftValue, rightValue, definition: definition?.subAttribute(named: "value")) else {
                    return false
                }
                if let leftType = left["type"]?.stringValue, let rightType = right["type"]?.stringValue {
                    return leftType.caseInsensitiveEquals(rightType)
                }
                return true
            }
            var left = left
            var right = right
            left["primary"] = nil
            right["primary"] = nil
            return left == right
        case (.object(let left), _):
            return left["value"].map { scalarEquals($0, rhs, definition: definition?.subAttribute(named: "value")) }
                ?? false
        case (_, .object(let right)):
            return right["value"].map { scalarEquals(lhs, $0, definition: definition?.subAttribute(named: "value")) }
                ?? false
        default:
            return scalarEquals(lhs, rhs, definition: definition)
        }
    }

    private static func scalarEquals(_ lhs: JSONValue, _ rhs: JSONValue, definition: SCIMAttribute?) -> Bool {
        if case .string(let left) = lhs, case .string(let right) = rhs {
            return definition?.caseExact == true ? left == right : left.caseInsensitiveEquals(right)
        }
        return lhs == rhs
    }

    /// `existing` with `additions` merged in: a value already present takes the new value's
    /// sub-attributes that differ (a sub-attribute equal apart from case, where it is not
    /// `caseExact`, keeps its stored spelling: re-adding `BABS@…` changes nothing, §3.5.2.1); a
    /// new one is appended. A new value marked primary wins the primary flag.
    static func merge(_ existing: [JSONValue], adding additions: [JSONValue], definition: SCIMAttribute?) -> [JSONValue]
    {
        var result = existing
        var claimsPrimary: [Int] = []
        for addition in additions {
            if let index = result.firstIndex(where: { isSame($0, addition, definition: definition) }) {
                if case .object(var current) = result[index], case .object(let incoming) = addition {
                    for member in incoming {
                        let sub = definition?.subAttribute(named: member.key)
                        if let stored = current[member.key], scalarEquals(stored, member.value, definition: sub) {
                            continue
                        }
                        current[member.key] = member.value
                    }
                    result[index] = .object(current)
                }
                if isPrimary(addition) { claimsPrimary.append(index) }
            } else {
                result.append(addition)
                if isPrimary(addition) { claimsPrimary.append(result.count - 1) }
            }
        }
        enforceSinglePrimary(&result, preferring: claimsPrimary)
        return result
    }

    /// Leaves at most one value with `primary` true: the first of `preferred` that is primary,
    /// else the first that is; the others get `primary: false` (RFC 7643 §2.4).
    static func enforceSinglePrimary(_ items: inout [JSONValue], preferring preferred: [Int] = []) {
        let primaries = items.indices.filter { isPrimary(items[$0]) }
        guard primaries.count > 1 else { return }
        let winner = preferred.first(where: primaries.contains) ?? primaries[0]
        for index in primaries where index != winner {
            guard case .object(var object) = items[index] else { continue }
            object["primary"] = .bool(false)
            items[index] = .object(object)
        }
    }

    static func isPrimary(_ value: JSONValue) -> Bool {
        guard case .object(let object) = value, let flag = object["primary"] else { return false }
        return SCIMBoolean.coerce(flag) == true
    }

    /// `items` without any value that is the same as one of `removals`.
    static func remove(_ removals: [JSONValue], from items: [JSONValue], definition: SCIMAttribute?) -> [JSONValue] {
        items.filter { item in !removals.contains { isSame(item, $0, definition: definition) } }
    }
}
