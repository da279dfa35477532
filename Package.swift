// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "scimrecon",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "scimrecon", targets: ["scimrecon"]),
        .library(name: "SCIMKit", targets: ["SCIMKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // Only SCIMReconServer uses these: the HTTP server, its TLS, and signal handling.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
    ],
    targets: [
        // System libraries, reached through pkg-config (libsqlite3-dev, libxml2-dev).
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // SCIM 2.0 as pure values: JSON, schema, filters, paths, PATCH, messages. No I/O.
        .target(name: "SCIMKit", exclude: ["PATCH-DIALECT.md"]),

        // The job: job files, ingest, mapping, policy, reconciliation, history, reports.
        .target(
            name: "SCIMReconCore",
            dependencies: ["SCIMKit", "CLibXML2", .product(name: "Yams", package: "Yams")]
        ),

        // The embedded store on the system SQLite (C API), and the run lock.
        .target(name: "SCIMReconSQLite", dependencies: ["SCIMReconCore", "SCIMKit", "CSQLite"]),

        // The shared store for several runners on libpq (C API): the only target that imports libpq.
        .target(name: "SCIMReconPostgres", dependencies: ["SCIMReconCore", "SCIMKit", "CLibPQ"]),

        // The SCIM endpoint: the only target that imports the HTTP server.
        .target(
            name: "SCIMReconServer",
            dependencies: [
                "SCIMReconCore", "SCIMReconSQLite", "SCIMKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // The thin executable.
        .executableTarget(
            name: "scimrecon",
            dependencies: [
                "SCIMReconCore", "SCIMReconSQLite", "SCIMReconPostgres", "SCIMKit", "SCIMReconServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // The shipped benchmark: generates workloads and drives the release `scimrecon` binary.
        .executableTarget(name: "scimrecon-bench", dependencies: ["scimrecon"]),

        // Fixtures, the binary runner and the store contract suite shared by the tests.
        .target(name: "SCIMReconTestSupport", dependencies: ["SCIMReconCore", "SCIMKit", "SCIMReconPostgres"]),

        .testTarget(
            name: "SCIMKitTests",
            dependencies: ["SCIMKit", "SCIMReconTestSupport"],
            exclude: ["Fixtures"]  // read through #filePath (SCIMReconTestSupport's Fixtures), not as resources
        ),
        .testTarget(
            name: "SCIMReconCoreTests",
            dependencies: ["SCIMReconCore", "SCIMKit", "SCIMReconTestSupport"],
            exclude: ["Golden"]  // read through #filePath, not as resources
        ),
        .testTarget(
            name: "SCIMReconSQLiteTests",
            dependencies: ["SCIMReconSQLite", "SCIMReconCore", "SCIMKit", "SCIMReconTestSupport"]
        ),
        .testTarget(
            name: "SCIMReconPostgresTests",
            dependencies: ["SCIMReconPostgres", "SCIMReconCore", "SCIMKit", "SCIMReconTestSupport"]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["SCIMReconTestSupport", "SCIMReconSQLite", "SCIMReconPostgres", "SCIMReconCore", "SCIMKit"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
