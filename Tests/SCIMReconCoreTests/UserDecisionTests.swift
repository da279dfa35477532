import Testing

@testable import SCIMReconCore

/// The pure rules of reconciling one user.
@Suite struct UserDecisionTests {
    @Test func disablesInsteadOfDeletingByDefault() {
        #expect(
            UserDecision.deprovision(policy: .default, wasActive: true, deleteAfter: nil)
                == .disable(graceMilliseconds: nil))
    }

    @Test func deletesWhenDeactivatedUsersAreDeleted() {
        var policy = Policy()
        policy.deleteDeactivated = true
        #expect(UserDecision.deprovision(policy: policy, wasActive: true, deleteAfter: nil) == .delete)
        policy.deleteAfterMilliseconds = 86_400_000
        #expect(
            UserDecision.deprovision(policy: policy, wasActive: true, deleteAfter: nil)
                == .disable(graceMilliseconds: 86_400_000))
    }

    @Test(arguments: [
        (true, false, UserDecision.Transition.deactivate), (false, true, .reactivate), (true, true, .unchanged),
        (false, false, .unchanged),
    ])
    func activeMovesThroughThreeTransitions(was: Bool, now: Bool, expected: UserDecision.Transition) {
        #expect(UserDecision.transition(wasActive: was, isActive: now) == expected)
    }

    @Test func changesAreSortedAndNameOnlyWhatChanged() {
        let changes = UserDecision.changes(
            from: ["userName": "a", "email": "old@x", "title": "t"], active: true,
            to: ["userName": "a", "email": "new@x", "department": "d"], active: false)
        #expect(
            changes == [
                AttributeChange(attribute: "active", old: "true", new: "false"),
                AttributeChange(attribute: "department", old: nil, new: "d"),
                AttributeChange(attribute: "email", old: "old@x", new: "new@x"),
                AttributeChange(attribute: "title", old: "t", new: nil),
            ])
        #expect(UserDecision.changes(from: ["a": "1"], active: true, to: ["a": "1"], active: true).isEmpty)
    }
}

/// The stable hash that names replayed records across runs.
@Suite struct StableHashTests {
    @Test func isTheSameEveryRunAndDiffersForDifferentBytes() {
        var first = StableHash()
        first.combine("hello")
        var second = StableHash()
        second.combine("hello")
        var other = StableHash()
        other.combine("hellp")
        #expect(first.hex == second.hex)
        #expect(first.hex != other.hex)
        #expect(first.hex.count == 32)
        #expect(first.uuidString.count == 36)
        // Pinned: a change to the hash would re-apply every log already replayed.
        var pinned = StableHash()
        pinned.combine("scimrecon")
        #expect(pinned.hex == StableHashTests.pinnedDigest)
    }

    static let pinnedDigest = "87291724e7878843e30f100ecc9d253b"

    /// The ids written in place read as the digest's two words in hex, zero-padded, and the UUID
    /// shape is those digits grouped 8-4-4-4-12.
    @Test func formatsTheDigestAsPaddedHexAndAsAUUID() {
        var pinned = StableHash()
        pinned.combine("scimrecon")
        #expect(pinned.uuidString == "87291724-e787-8843-e30f-100ecc9d253b")
        let words: [(Int64, Int64, String)] = [
            (0, 1, "00000000000000000000000000000001"),
            (-1, 0x0A, "ffffffffffffffff000000000000000a"),
            (0x0123_4567_89AB_CDEF, Int64.min, "0123456789abcdef8000000000000000"),
        ]
        for (high, low, expected) in words {
            let fingerprint = Fingerprint(high: high, low: low)
            #expect(fingerprint.hex == expected)
            let padded = { (word: Int64) -> String in
                let digits = String(UInt64(bitPattern: word), radix: 16)
                return String(repeating: "0", count: 16 - digits.count) + digits
            }
            #expect(fingerprint.hex == padded(high) + padded(low))
        }
    }
}
