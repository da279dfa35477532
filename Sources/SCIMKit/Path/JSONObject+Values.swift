extension JSONObject {
    /// The values an attribute path selects in this resource, flattened and without nulls.
    ///
    /// `emails[type eq "work"].value` gives the matching addresses; `name.givenName` one string;
    /// `emails` each email object; `urn:…:enterprise:2.0:User:manager.value` the manager's id.
    /// For `.value` on a plain value (a manager stored as a bare id string), the value itself.
    public func values(at path: AttributePath, type: SCIMResourceType) -> [JSONValue] {
        let location = AttributeLocation.resolve(path, type: type, in: self)
        var selected = FilterEvaluator.elements(location.read(self))
        if let filter = path.valueFilter {
            selected = selected.filter { element in
                guard case .object(let object) = element else { return false }
                return filter.matches(element: object, of: location.definition)
            }
        }
        if let sub = path.subAttribute {
            selected = selected.flatMap { element -> [JSONValue] in
                switch element {
                case .object(let object): return FilterEvaluator.elements(object[sub])
                case .string, .number, .bool:
                    return sub.caseInsensitiveEquals("value") ? [element] : []
                default: return []
                }
            }
        }
        return selected.filter { !$0.isNull }
    }
}
