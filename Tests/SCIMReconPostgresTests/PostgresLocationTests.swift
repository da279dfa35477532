import SCIMReconCore
import Testing

@testable import SCIMReconPostgres

/// Store URLs: which locations are PostgreSQL, what messages show of them, which host they name.
@Suite struct PostgresLocationTests {
    static let masking: [(url: String, masked: String, host: String)] = [
        ("postgres://app:s3cret@db.example:5433/idm", "postgres://app:***@db.example:5433/idm", "db.example"),
        (
            "postgresql://app:p%40ss@10.0.0.5/idm?sslmode=require&connect_timeout=3",
            "postgresql://app:***@10.0.0.5/idm?sslmode=require&connect_timeout=3", "10.0.0.5"
        ),
        (
            "postgres://app@db/idm?password=hunter2&sslmode=verify-full",
            "postgres://app@db/idm?password=***&sslmode=verify-full", "db"
        ),
        ("postgres://app@[::1]:5432/idm", "postgres://app@[::1]:5432/idm", "[::1]"),
        ("postgres:///idm", "postgres:///idm", "localhost"),
    ]

    @Test(arguments: 0..<masking.count)
    func aURLIsShownWithItsPasswordMasked(_ index: Int) throws {
        let (url, masked, host) = Self.masking[index]
        let location = try #require(PostgresLocation(url))
        #expect(location.masked == masked)
        #expect(location.host == host)
    }

    @Test func aPasswordEchoedInAServerMessageIsScrubbed() throws {
        let location = try #require(PostgresLocation("postgres://app:p%40ss@db/idm"))
        #expect(location.scrub("login as app with p@ss failed") == "login as app with *** failed")
        #expect(!location.scrub(location.url).contains("p%40ss"))
    }

    @Test func onlyPostgresSchemesAreThePostgreSQLStore() {
        #expect(PostgresLocation.isPostgres("postgres://db/idm"))
        #expect(PostgresLocation.isPostgres("postgresql://db/idm"))
        #expect(!PostgresLocation.isPostgres("output/postgres.sqlite"))
        #expect(PostgresLocation("output/scimrecon.sqlite") == nil)
    }

    @Test func anUnreachableServerIsAnOutputErrorNamingTheHostWithinTheTimeout() throws {
        // Port 1 on loopback: nothing listens, the refusal is immediate.
        var caught: StoreError?
        do {
            _ = try PostgresStore(url: "postgres://app:topsecret@127.0.0.1:1/idm?connect_timeout=2", writable: true)
        } catch {
            caught = error
        }
        let error = try #require(caught)
        #expect(error.kind == .output)
        #expect(
            error.message.hasPrefix(
                "postgres://app:***@127.0.0.1:1/idm?connect_timeout=2: cannot connect to 127.0.0.1:"))
        #expect(!error.message.contains("topsecret"))
    }

    @Test func theLockKeyIsTheSameForEverySpellingOfAnApplication() {
        #expect(PostgresStore.lockKey(app: "Azure AD") == PostgresStore.lockKey(app: "AZURE ad"))
        #expect(PostgresStore.lockKey(app: "ÉQUIPE") == PostgresStore.lockKey(app: "équipe"))
        #expect(PostgresStore.lockKey(app: "Azure AD") != PostgresStore.lockKey(app: "Okta"))
        // Stable across processes and builds (not Swift's seeded `Hasher`): FNV-1a of "okta".
        #expect(PostgresStore.lockKey(app: "Okta") == Int64(bitPattern: 0x327c_87b4_8377_0800))
    }
}
