import Foundation
import SCIMKit
import SCIMReconCore
import SCIMReconTestSupport
import Testing

@testable import SCIMReconSQLite

/// Scheduled snapshots and re-imported CSV files whose rows did not change: the store knows
/// each user's row by its digest, and a row that would change nothing is not read again. Every
/// case here is one where reading the row in full would decide otherwise, and must still be read.
extension JobRunEndToEndTests {
    /// The SQLite store of the runs, opened beside the binary.
    func storeFile() throws -> SQLiteStore {
        try SQLiteStore(path: directory + "/store.sqlite", writable: true)
    }

    func text(_ sql: String) throws -> String {
        let statement = try storeFile().db.statement(sql)
        _ = try statement.step()
        return statement.text(0) ?? ""
    }

    @Test func anUnchangedSnapshotIsKnownByItsRowsAndAnEditedRowIsReadAgain() throws {
        try snapshot(["a@x", "b@x", "c@x"], to: "export.json")
        let path = try job("snap", inputs: "  - path: export.json\n    format: scim-list")
        #expect(try runner.run(["run", path]).stderr.contains("read 3, created 3"))
        #expect(try text("SELECT count(*) FROM users WHERE row_high IS NOT NULL") == "3")
        // Edited behind the store's back, so that a row read again would show: it is not.
        try storeFile().db.execute(
            #"UPDATE users SET scim = replace(scim, '"active":true', '"active":true,"title":"edited"') WHERE id = 's0'"#
        )
        let again = try runner.run(["run", path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("read 3, created 0, updated 0, disabled 0"), "\(again.stderr)")
        #expect(try text("SELECT counts FROM runs WHERE id = 2").contains(#""unchanged":3"#))
        #expect(try text("SELECT scim FROM users WHERE id = 's0'").contains("edited"))
        // A row that changed is read, and gives the user as it says.
        try Fixtures.write(
            try String(contentsOfFile: directory + "/export.json", encoding: .utf8)
                .replacingOccurrences(
                    of: #""userName":"a@x","active":true"#, with: #""userName":"a@x","active":false"#),
            to: directory + "/export.json")
        let changed = try runner.run(["run", path])
        #expect(changed.stderr.contains("read 3, created 0, updated 0, disabled 1"), "\(changed.stderr)")
        #expect(try !text("SELECT scim FROM users WHERE id = 's0'").contains("edited"))
        #expect(try users().first { $0["userName"] == "a@x" }?["active"] == .bool(false))
    }

    @Test func aUserChangedSinceItsRowIsReadInFull() throws {
        try snapshot(["a@x", "b@x"], to: "export.json")
        let path = try job("snap", inputs: "  - path: export.json\n    format: scim-list")
        #expect(try runner.run(["run", path]).status == 0)
        try write(
            [
                #"{"time":"2026-11-28T05:00:00Z","method":"PATCH","path":"/scim/Users/s0","status":200,"request":{"Operations":[{"op":"add","path":"displayName","value":"Ann"}]}}"#
            ], to: "logs/app.jsonl")
        #expect(try runner.run(["import", "logs/app.jsonl", "--app", "App", "--store", "store.sqlite"]).status == 0)
        #expect(try text("SELECT count(*) FROM users WHERE row_high IS NOT NULL") == "1", "the PATCH forgot s0's row")
        let again = try runner.run(["run", path])
        #expect(again.stderr.contains("read 2, created 0, updated 1"), "\(again.stderr)")
        #expect(try users().first { $0["userName"] == "a@x" }?["displayName"] == .null)
    }

    /// A request log in which the provider gives user s1 this userName.
    func logRenamingS1(to userName: String) throws {
        try write(
            [
                #"{"time":"2026-11-28T05:00:00Z","method":"PATCH","path":"/scim/Users/s1","status":200,"#
                    + #""request":{"Operations":[{"op":"replace","path":"userName","value":"\#(userName)"}]}}"#
            ], to: "logs/app.jsonl")
    }

    /// The store's failures include a row that matched more than one user.
    func expectAnAmbiguousMatchFailed() throws {
        let failed = try runner.run(["report", "--store", "store.sqlite", "--status", "failure", "--format", "jsonl"])
        #expect(failed.stdout.contains("match.ambiguous"), "\(failed.stdout)")
    }

    @Test func aRowWhoseKeyAnotherUserNowHasIsMatchedAgain() throws {
        try snapshot(["a@x", "b@x"], to: "export.json")
        let path = try job("snap", inputs: "  - path: export.json\n    format: scim-list")
        #expect(try runner.run(["run", path]).status == 0)
        // b takes a's userName: a's row, matched again, finds two users.
        try logRenamingS1(to: "A@x")
        #expect(try runner.run(["import", "logs/app.jsonl", "--app", "App", "--store", "store.sqlite"]).status == 0)
        let again = try runner.run(["run", path])
        #expect(again.status == 1, "\(again.stderr)")
        #expect(again.stderr.contains("updated 1") && again.stderr.contains("failed 1"), "\(again.stderr)")
        try expectAnAmbiguousMatchFailed()
    }

    @Test func anotherMappingReadsEveryRowAgain() throws {
        try snapshot(["a@x", "b@x"], to: "export.json")
        let path = try job("snap", inputs: "  - path: export.json\n    format: scim-list")
        #expect(try runner.run(["run", path]).status == 0)
        let mapped =
            try String(contentsOfFile: path, encoding: .utf8)
            + "\nmapping:\n  login: { from: userName, transform: [upper] }\n"
        try Fixtures.write(mapped, to: path)
        let again = try runner.run(["run", path])
        #expect(again.stderr.contains("read 2, created 0, updated 2"), "\(again.stderr)")
        #expect(try users().compactMap { $0["login"]?.stringValue }.sorted() == ["A@X", "B@X"])
        let third = try runner.run(["run", path])
        #expect(third.stderr.contains("read 2, created 0, updated 0"), "\(third.stderr)")
    }

    @Test func aReimportedCSVChangesNothingAndAnEditedRowIsAnUpdate() throws {
        let rows = ["userName,externalId,displayName", "a@x,e-a,Ann", "b@x,e-b,Bob", "c@x,e-c,Cy"]
        try write(rows, to: "users.csv")
        let first = try runner.run(["import", "users.csv", "--app", "HR", "--store", "store.sqlite"])
        #expect(first.stderr.contains("read 3, created 3"), "\(first.stderr)")
        let again = try runner.run(["import", "users.csv", "--app", "HR", "--store", "store.sqlite"])
        #expect(again.stderr.contains("read 3, created 0, updated 0"), "\(again.stderr)")
        #expect(try text("SELECT counts FROM runs WHERE id = 2").contains(#""unchanged":3"#))
        try write(rows.map { $0.replacingOccurrences(of: "Bob", with: "Robert") }, to: "users.csv")
        let edited = try runner.run(["import", "users.csv", "--app", "HR", "--store", "store.sqlite"])
        #expect(edited.stderr.contains("read 3, created 0, updated 1"), "\(edited.stderr)")
        #expect(try users(app: "HR").first { $0["userName"] == "b@x" }?["displayName"] == "Robert")
        // The same cells under another header are other rows.
        try write(["userName,externalId,title"] + rows.dropFirst(), to: "users.csv")
        let renamed = try runner.run(["import", "users.csv", "--app", "HR", "--store", "store.sqlite"])
        #expect(renamed.stderr.contains("read 3, created 0, updated 3"), "\(renamed.stderr)")
    }

    @Test func aKeyTakenEarlierInTheSameRunIsSeenBeforeTheStoreHasIt() throws {
        try snapshot(["a@x", "b@x"], to: "export.json")
        let first = try job("snap", inputs: "  - path: export.json\n    format: scim-list")
        #expect(try runner.run(["run", first]).status == 0)
        // One run: the log gives b a's userName (held in the run's cache, not yet in the store),
        // then the snapshot's row of a must be matched again.
        try logRenamingS1(to: "a@x")
        let both = try job(
            "both", inputs: "  - path: logs/app.jsonl\n  - path: export.json\n    format: scim-list")
        let result = try runner.run(["run", both])
        #expect(result.stderr.contains("failed 1"), "\(result.stderr)")
        try expectAnAmbiguousMatchFailed()
    }

    @Test func aLongUnchangedSnapshotStillReadsTheRowsThatChanged() throws {
        // Long enough that the reader, told most rows are unchanged, stops parsing ahead and
        // the run parses the changed ones itself.
        let names = (0..<1_500).map { "u\($0)@x" }
        try snapshot(names, to: "export.json")
        let path = try job("long", inputs: "  - path: export.json\n    format: scim-list")
        #expect(try runner.run(["run", path]).stderr.contains("read 1500, created 1500"))
        var export = try String(contentsOfFile: directory + "/export.json", encoding: .utf8)
        for changed in ["u1400@x", "u1450@x"] {
            export = export.replacingOccurrences(
                of: #""userName":"\#(changed)","active":true"#, with: #""userName":"\#(changed)","active":false"#)
        }
        try Fixtures.write(export, to: directory + "/export.json")
        let again = try runner.run(["run", path])
        #expect(again.stderr.contains("read 1500, created 0, updated 0, disabled 2"), "\(again.stderr)")
        #expect(try text("SELECT counts FROM runs WHERE id = 2").contains(#""unchanged":1498"#))
        let disabled = try users().filter { $0["active"] == .bool(false) }.compactMap { $0["userName"]?.stringValue }
        #expect(disabled.sorted() == ["u1400@x", "u1450@x"])
    }
}
