/// The pure rules of reconciling one user: no store, no clock, values in and out.
public enum UserDecision {
    /// How `active` moves between the local and the incoming state.
    public enum Transition: Sendable, Hashable {
        case unchanged, deactivate, reactivate
    }

    /// What a deprovision does under a policy.
    public enum Deprovision: Sendable, Hashable {
        case delete
        /// Disable; with a grace period (ms) after which a later run deletes.
        case disable(graceMilliseconds: Int64?)

        public var action: ProvisioningAction {
            if case .delete = self { return .delete }
            return .disable
        }
    }

    public static func transition(wasActive: Bool, isActive: Bool) -> Transition {
        switch (wasActive, isActive) {
        case (true, false): return .deactivate
        case (false, true): return .reactivate
        default: return .unchanged
        }
    }

    /// Delete at once only with `delete_deactivated` and no grace period; otherwise disable, and
    /// with a grace period mark the user for deletion after it.
    public static func deprovision(policy: Policy, wasActive: Bool, deleteAfter: Timestamp?) -> Deprovision {
        guard policy.deleteDeactivated else { return .disable(graceMilliseconds: nil) }
        guard let grace = policy.deleteAfterMilliseconds else { return .delete }
        return .disable(graceMilliseconds: grace)
    }

    /// The changed local attributes, sorted by name; `active` included when it changes.
    public static func changes(
        from old: [String: String], active oldActive: Bool?, to new: [String: String], active newActive: Bool
    ) -> [AttributeChange] {
        var result: [AttributeChange] = []
        for key in Set(old.keys).union(new.keys).sorted() where old[key] != new[key] {
            result.append(AttributeChange(attribute: key, old: old[key], new: new[key]))
        }
        if oldActive != newActive {
            result.append(
                AttributeChange(attribute: "active", old: oldActive.map { String($0) }, new: String(newActive)))
            result.sort { $0.attribute < $1.attribute }
        }
        return result
    }
}
