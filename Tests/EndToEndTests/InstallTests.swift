import Foundation
import SCIMReconTestSupport
import Testing

/// The deployment: `scripts/install.sh` into a temporary prefix, the installed binary run with the
/// toolchain off the path (and, where the test may mount, hidden altogether), the cron wrapper's
/// exit-code mapping, the crontab, and the systemd units checked by `systemd-analyze verify`.
@Suite struct InstallTests {
    /// A release binary linked with `--static-swift-stdlib`: `$SCIMRECON_RELEASE_BINARY` (which
    /// `.ci/run` sets after building it), else `.build/release/scimrecon` when it is one; nil when
    /// neither exists, and the toolchain-free checks are skipped.
    static let staticBinary: String? = {
        let environment = ProcessInfo.processInfo.environment
        let candidates = [
            environment["SCIMRECON_RELEASE_BINARY"], Fixtures.repositoryRoot + "/.build/release/scimrecon",
        ]
        return candidates.compactMap { $0 }.first { path in
            FileManager.default.isExecutableFile(atPath: path) && swiftLibraries(of: path).isEmpty
        }
    }()

    static let noStaticBinary =
        "no toolchain-free binary: build one with `swift build -c release --static-swift-stdlib` "
        + "(or set SCIMRECON_RELEASE_BINARY); the toolchain-free checks are skipped"

    /// Whether this test may hide the toolchain in a mount namespace of its own (root, `unshare`).
    static let canHideToolchain: Bool = {
        guard getuid() == 0, let unshare = ExternalTool.find("unshare") else { return false }
        let probe = try? Command.run(unshare, ["-m", "true"])
        return probe?.status == 0
    }()

    static let systemdAnalyze = ExternalTool.find("systemd-analyze")

    /// The Swift libraries `ldd` says a binary loads (empty for a `--static-swift-stdlib` build).
    static func swiftLibraries(of binary: String) -> [String] {
        guard let ldd = ExternalTool.find("ldd"), let result = try? Command.run(ldd, [binary]) else { return ["?"] }
        return result.stdout.split(separator: "\n").map(String.init).filter { line in
            ["libswift", "libFoundation", "libdispatch", "libBlocksRuntime"].contains { line.contains($0) }
        }
    }

    /// The folder holding the Swift toolchain that runs the tests (`/opt/swift` for
    /// `/opt/swift/usr/bin/swift`), unless it is a system folder that cannot be hidden.
    static var toolchainRoot: String? {
        guard let swift = ExternalTool.find("swift") else { return nil }
        let real = URL(fileURLWithPath: swift).resolvingSymlinksInPath()
        let root = real.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        return ["/", "/usr", ""].contains(root) ? nil : root
    }

    let root: String
    /// The folders the install was told to use, all under `root`.
    var prefix: String { root + "/usr/local" }
    var sysconfdir: String { root + "/etc/scimrecon" }
    var statedir: String { root + "/var/lib/scimrecon" }
    var logdir: String { root + "/var/log/scimrecon" }
    var unitdir: String { root + "/etc/systemd/system" }
    var crondir: String { root + "/etc/cron.d" }

    init() throws {
        root = try Fixtures.temporaryDirectory("e2e-install")
    }

    /// Runs `scripts/install.sh` into `root` with the given binary and scheduler.
    @discardableResult
    func install(binary: String, scheduler: String = "systemd", extra: [String] = []) throws -> Command.Result {
        let result = try Command.run(
            Fixtures.repositoryRoot + "/scripts/install.sh",
            [
                "--binary", binary, "--prefix", prefix, "--sysconfdir", sysconfdir, "--statedir", statedir,
                "--logdir", logdir, "--unitdir", unitdir, "--crondir", crondir, "--logrotatedir",
                root + "/etc/logrotate.d", "--scheduler", scheduler, "--with-samples",
            ] + extra)
        #expect(result.status == 0, "install.sh failed: \(result.stderr)")
        return result
    }

    /// The installed binary, run the way cron or systemd would: in the working folder, with an
    /// environment holding nothing but a PATH without the toolchain.
    func runInstalled(_ arguments: [String]) throws -> Command.Result {
        try Command.run(
            "/usr/bin/env", ["-i", "PATH=/usr/bin:/bin", prefix + "/bin/scimrecon"] + arguments, directory: statedir)
    }

    func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    /// The debug binary the other end-to-end tests use: enough for what the install lays out.
    static var builtBinary: String { BinaryRunner(directory: "/").binary }

    @Test func installsTheBinaryJobsAndFoldersIntoATemporaryPrefix() throws {
        let result = try install(binary: Self.staticBinary ?? Self.builtBinary)
        #expect(result.stdout.contains("skipped: system user scimrecon"), "\(result.stdout)")
        #expect(try mode(prefix + "/bin/scimrecon") == 0o755)
        #expect(try mode(prefix + "/lib/scimrecon/scimrecon-cron") == 0o755)
        #expect(try mode(statedir) == 0o750)
        #expect(try mode(statedir + "/output") == 0o750)
        #expect(try mode(logdir) == 0o750)
        #expect(try mode(sysconfdir) == 0o750)
        #expect(try mode(sysconfdir + "/entra-nightly.yml") == 0o640)
        #expect(try mode(sysconfdir + "/scimrecon.conf") == 0o640)
        for unit in ["scimrecon@.service", "scimrecon-alert@.service", "scimrecon-entra.timer", "scimrecon-hr.timer"] {
            let text = try String(contentsOfFile: unitdir + "/" + unit, encoding: .utf8)
            // The units name the folders this install chose, never the defaults.
            for folder in ["/usr/local/", "/etc/scimrecon", "/var/lib/scimrecon", "/var/log/scimrecon"] {
                let named = text.components(separatedBy: folder).count - 1
                let chosen = text.components(separatedBy: root + folder).count - 1
                #expect(named == chosen, "\(unit) names \(folder) outside the install's folders")
            }
        }
        let service = try String(contentsOfFile: unitdir + "/scimrecon@.service", encoding: .utf8)
        #expect(service.contains("ExecStart=\(prefix)/bin/scimrecon run \(sysconfdir)/%i.yml"))
        #expect(service.contains("WorkingDirectory=\(statedir)\n"))
        #expect(service.contains("ReadWritePaths=\(statedir) \(logdir)\n"))

        // The installed binary runs the shipped job over the samples with nothing but /usr/bin:/bin.
        let run = try runInstalled(["run", sysconfdir + "/entra-nightly.yml"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("run 1 (entra-nightly, Azure AD): read 20,"), "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: statedir + "/output/scimrecon.sqlite"))
    }

    @Test func keepsJobFilesAnAdministratorEditedWhenInstalledAgain() throws {
        try install(binary: Self.builtBinary)
        let job = sysconfdir + "/entra-nightly.yml"
        let edited = try String(contentsOfFile: job, encoding: .utf8) + "# edited by the administrator\n"
        try edited.write(toFile: job, atomically: true, encoding: .utf8)
        let again = try install(binary: Self.builtBinary)
        #expect(try String(contentsOfFile: job, encoding: .utf8) == edited)
        #expect(FileManager.default.fileExists(atPath: job + ".new"))
        #expect(again.stdout.contains("kept \(job) as edited"), "\(again.stdout)")
        #expect(!FileManager.default.fileExists(atPath: sysconfdir + "/hr-csv-import.yml.new"))
    }

    @Test(.enabled(if: staticBinary != nil, Comment(rawValue: noStaticBinary)))
    func installedReleaseBinaryLoadsNoSwiftLibraryFromTheToolchain() throws {
        try install(binary: Self.staticBinary!)
        let ldd = try Command.run(ExternalTool.find("ldd") ?? "/usr/bin/ldd", [prefix + "/bin/scimrecon"])
        #expect(!ldd.stdout.contains("not found"), "\(ldd.stdout)")
        #expect(Self.swiftLibraries(of: prefix + "/bin/scimrecon").isEmpty, "\(ldd.stdout)")
        if let toolchain = Self.toolchainRoot {
            #expect(!ldd.stdout.contains(toolchain + "/"), "\(ldd.stdout)")
        }
    }

    @Test(
        .enabled(if: staticBinary != nil, Comment(rawValue: noStaticBinary)),
        .enabled(
            if: canHideToolchain && toolchainRoot != nil,
            "cannot hide the toolchain here (needs root, unshare and a toolchain outside /usr): checked with ldd only")
    )
    func installedReleaseBinaryRunsWithTheToolchainHidden() throws {
        try install(binary: Self.staticBinary!)
        let toolchain = Self.toolchainRoot!
        // An empty tmpfs over the toolchain, in a mount namespace only this command sees.
        let script = """
            mount -t tmpfs tmpfs '\(toolchain)' && test ! -e '\(toolchain)/usr/bin/swift' && \
            cd '\(statedir)' && exec env -i PATH=/usr/bin:/bin '\(prefix)/bin/scimrecon' \
            run '\(sysconfdir)/entra-nightly.yml'
            """
        let result = try Command.run(ExternalTool.find("unshare")!, ["-m", "/bin/sh", "-c", script])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("run 1 (entra-nightly, Azure AD): read 20,"), "\(result.stderr)")
    }

    /// Whether this test may give a command a private copy of the system's folders: a mount
    /// namespace with an overlay on /etc and empty /usr/local, /var/lib and /var/log.
    static let canIsolateSystem: Bool = {
        guard canHideToolchain, let root = try? Fixtures.temporaryDirectory("probe-overlay") else { return false }
        let probe = try? Command.run(
            ExternalTool.find("unshare")!, ["-m", "/bin/sh", "-c", isolation(scratch: root) + " && test -w /etc"])
        return probe?.status == 0
    }()

    /// Shell commands that replace the system folders an install touches by throwaway ones.
    static func isolation(scratch: String) -> String {
        """
        mount -t tmpfs tmpfs '\(scratch)' && mkdir '\(scratch)/upper' '\(scratch)/work' && \
        mount -t overlay overlay -o 'lowerdir=/etc,upperdir=\(scratch)/upper,workdir=\(scratch)/work' /etc && \
        mount -t tmpfs tmpfs /usr/local && mount -t tmpfs tmpfs /var/lib && mount -t tmpfs tmpfs /var/log
        """
    }

    @Test(
        .enabled(
            if: canIsolateSystem,
            "cannot give the install a private /etc here (needs root, unshare and overlay mounts): system install skipped"
        )
    )
    func installsAsRootWithASystemUserAndOwnersOnTheDefaultFolders() throws {
        let binary = Self.staticBinary ?? Self.builtBinary
        // Everything the install writes lands in the namespace's throwaway folders.
        let script = """
            \(Self.isolation(scratch: root)) && \
            '\(Fixtures.repositoryRoot)/scripts/install.sh' --binary '\(binary)' --scheduler cron --with-samples && \
            getent passwd scimrecon && \
            stat -c '%U:%G %a %n' /etc/scimrecon /etc/scimrecon/entra-nightly.yml /var/lib/scimrecon \
              /var/lib/scimrecon/output /var/log/scimrecon /usr/local/bin/scimrecon /etc/cron.d/scimrecon && \
            cd / && runuser -u scimrecon -- env -i PATH=/usr/bin:/bin /usr/local/lib/scimrecon/scimrecon-cron entra-nightly && \
            echo "cron: quiet" && stat -c '%U:%G %a %n' /var/lib/scimrecon/output/scimrecon.sqlite
            """
        let result = try Command.run(ExternalTool.find("unshare")!, ["-m", "/bin/sh", "-c", script])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let lines = Set(result.stdout.split(separator: "\n").map(String.init))
        #expect(result.stdout.contains("install.sh: created system user scimrecon"), "\(result.stdout)")
        #expect(
            lines.contains { $0.hasPrefix("scimrecon:x:") && $0.hasSuffix(":/var/lib/scimrecon:/usr/sbin/nologin") })
        for expected in [
            "root:scimrecon 750 /etc/scimrecon", "root:scimrecon 640 /etc/scimrecon/entra-nightly.yml",
            "scimrecon:scimrecon 750 /var/lib/scimrecon", "scimrecon:scimrecon 750 /var/lib/scimrecon/output",
            "root:root 755 /usr/local/bin/scimrecon", "root:root 644 /etc/cron.d/scimrecon",
        ] {
            #expect(lines.contains(expected), "no '\(expected)' in \(result.stdout)")
        }
        #expect(lines.contains { $0.hasPrefix("scimrecon:") && $0.hasSuffix(" 750 /var/log/scimrecon") })
        // The job ran as the scimrecon user, said nothing for cron to mail, and owns its store.
        #expect(lines.contains("cron: quiet"), "\(result.stdout)")
        #expect(
            lines.contains {
                $0.hasPrefix("scimrecon:scimrecon ") && $0.hasSuffix(" /var/lib/scimrecon/output/scimrecon.sqlite")
            })
    }

    @Test(.enabled(if: systemdAnalyze != nil, "systemd-analyze not found: the units are not verified"))
    func systemdUnitsPassSystemdAnalyzeVerify() throws {
        try install(binary: Self.builtBinary)
        let units = [
            "scimrecon@entra-nightly.service", "scimrecon@hr-csv-import.service",
            "scimrecon-alert@entra-nightly.service", "scimrecon-entra.timer", "scimrecon-hr.timer",
        ].map { unitdir + "/" + $0 }
        let result = try Command.run(Self.systemdAnalyze!, ["verify", "--man=no"] + units, directory: unitdir)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        // verify warns about a bad setting and goes on: any word about our units is a finding.
        let findings = (result.stdout + result.stderr).split(separator: "\n").filter { $0.contains("scimrecon") }
        #expect(findings.isEmpty, "\(findings)")

        let service = try String(contentsOfFile: unitdir + "/scimrecon@.service", encoding: .utf8)
        for setting in [
            "OnFailure=scimrecon-alert@%i.service", "SuccessExitStatus=75", "User=scimrecon", "ProtectSystem=strict",
            "NoNewPrivileges=yes", "PrivateTmp=yes", "ProtectHome=yes",
        ] {
            #expect(service.contains("\n\(setting)\n"), "no \(setting)")
        }
        let timer = try String(contentsOfFile: unitdir + "/scimrecon-entra.timer", encoding: .utf8)
        #expect(timer.contains("\nPersistent=true\n"))
        #expect(timer.contains("\nUnit=scimrecon@entra-nightly.service\n"))
    }

    @Test func crontabRunsEachJobThroughTheWrapperAndMailsTheAdministrator() throws {
        try install(binary: Self.builtBinary, scheduler: "cron")
        let crontab = try String(contentsOfFile: crondir + "/scimrecon", encoding: .utf8)
        #expect(crontab.contains("\nMAILTO=root\n"))
        let entries = crontab.split(separator: "\n").filter {
            !$0.hasPrefix("#") && $0.split(separator: " ").count >= 7
        }
        #expect(entries.count == 2, "\(entries)")
        for entry in entries {
            let fields = entry.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            #expect(fields[5] == "scimrecon", "runs as the scimrecon user: \(entry)")
            #expect(fields[6] == prefix + "/lib/scimrecon/scimrecon-cron", "\(entry)")
            #expect(FileManager.default.fileExists(atPath: sysconfdir + "/" + fields[7] + ".yml"), "\(entry)")
        }
        #expect(!FileManager.default.fileExists(atPath: unitdir + "/scimrecon@.service"))
    }
}
