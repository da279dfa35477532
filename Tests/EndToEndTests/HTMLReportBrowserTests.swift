import Foundation
import SCIMKit
import SCIMReconTestSupport
import Testing

/// The HTML pages, looked at in a real browser: headless Chromium renders each page to a PNG,
/// and the picture must not be blank and must show the chart's colours.
@Suite struct HTMLReportBrowserTests {
    let directory: String
    let runner: BinaryRunner
    let store: String

    init() throws {
        directory = try Fixtures.temporaryDirectory("e2e-html")
        runner = BinaryRunner(directory: directory, environment: ["SCIMRECON_NOW": "2026-11-29T06:00:00Z"])
        store = directory + "/store.sqlite"
    }

    /// The bundled samples: two days of Entra requests and Entra's own log of them.
    func importSamples() throws {
        for file in [
            "entra/2026-11-27.jsonl", "entra/2026-11-28.jsonl", "entra-provisioning/graph-page-1.json",
            "entra-provisioning/graph-page-2.json",
        ] {
            let result = try runner.run([
                "import", Fixtures.samples + "/" + file, "--app", "Azure AD", "--store", store,
            ])
            #expect(result.status == 0, "\(file): \(result.stderr)")
        }
    }

    /// Renders `page` in headless Chromium and returns the screenshot's path.
    func screenshot(_ page: String, width: Int = 1280, height: Int = 1400) throws -> String {
        let png = page + ".png"
        let result = try HostTool.run(
            HostTool.chromium!,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                "--user-data-dir=\(directory)/chromium-profile", "--screenshot=\(png)",
                "--window-size=\(width),\(height)", "file://\(page)",
            ])
        #expect(FileManager.default.fileExists(atPath: png), "chromium wrote no screenshot: \(result.output)")
        return png
    }

    /// Decodes the PNG (with Python's zlib: the toolchain has no image decoder) and counts pixels
    /// near each of `colors` (`#rrggbb`), and the distinct colours.
    func pixels(_ png: String, near colors: [String]) throws -> (distinct: Int, counts: [String: Int]) {
        let script = """
            import json, struct, sys, zlib
            data = open(sys.argv[1], 'rb').read()
            pos, idat, width, height, kind = 8, b'', 0, 0, 0
            while pos < len(data):
                length, name = struct.unpack('>I4s', data[pos:pos + 8])
                body = data[pos + 8:pos + 8 + length]
                if name == b'IHDR':
                    width, height, depth, kind = struct.unpack('>IIBB', body[:10])
                elif name == b'IDAT':
                    idat += body
                pos += 12 + length
            channels = {2: 3, 6: 4}[kind]
            raw = zlib.decompress(idat)
            stride = width * channels
            rows, prev, i = [], bytearray(stride), 0
            for _ in range(height):
                kind_, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
                i += 1 + stride
                for x in range(stride):
                    a = line[x - channels] if x >= channels else 0
                    b = prev[x]
                    c = prev[x - channels] if x >= channels else 0
                    if kind_ == 1: line[x] = (line[x] + a) & 255
                    elif kind_ == 2: line[x] = (line[x] + b) & 255
                    elif kind_ == 3: line[x] = (line[x] + (a + b) // 2) & 255
                    elif kind_ == 4:
                        p = a + b - c
                        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                        line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
                rows.append(line)
                prev = line
            targets = [(h, int(h[1:3], 16), int(h[3:5], 16), int(h[5:7], 16)) for h in sys.argv[2:]]
            counts = {h: 0 for h, _, _, _ in targets}
            distinct = set()
            for line in rows:
                for x in range(0, stride, channels):
                    r, g, b = line[x], line[x + 1], line[x + 2]
                    distinct.add((r, g, b))
                    for h, tr, tg, tb in targets:
                        if abs(r - tr) <= 8 and abs(g - tg) <= 8 and abs(b - tb) <= 8:
                            counts[h] += 1
            print(json.dumps({'distinct': len(distinct), 'counts': counts}))
            """
        let scriptPath = directory + "/pixels.py"
        try Fixtures.write(script, to: scriptPath)
        let result = try HostTool.run(HostTool.python3!, [scriptPath, png] + colors)
        let object = try JSONParser.parse(result.output).objectValue
        let counts = object?["counts"]?.objectValue ?? JSONObject()
        var byColor: [String: Int] = [:]
        for member in counts { byColor[member.key] = Int(member.value.doubleValue ?? 0) }
        return (Int(object?["distinct"]?.doubleValue ?? 0), byColor)
    }

    @Test(
        .enabled(
            if: HostTool.chromium != nil && HostTool.python3 != nil,
            "skipped: chromium or python3 is not installed (apt-get install chromium python3)"))
    func theSamplesReportRendersWithItsChart() throws {
        try importSamples()
        let page = directory + "/report.html"
        let result = try runner.run(["report", "--store", store, "--format", "html", "--output", page])
        #expect(result.status == 0, "\(result.stderr)")
        let png = try screenshot(page)
        let seen = try pixels(png, near: ["#2e7d32", "#f9a825"])
        #expect(seen.distinct > 50, "the page is not blank (\(seen.distinct) colours)")
        #expect(seen.counts["#2e7d32", default: 0] > 2000, "the chart's success bars are drawn: \(seen.counts)")
        #expect(seen.counts["#f9a825", default: 0] > 100, "the chart's skipped bar is drawn: \(seen.counts)")
        if ProcessInfo.processInfo.environment["RECORD_SCREENSHOT"] == "1" {
            // docs/report.png for the README, re-taken on request.
            let small = try screenshot(page, width: 1100, height: 900)
            try? FileManager.default.removeItem(atPath: Fixtures.repositoryRoot + "/docs/report.png")
            try FileManager.default.copyItem(atPath: small, toPath: Fixtures.repositoryRoot + "/docs/report.png")
        }
    }

    @Test(
        .enabled(
            if: HostTool.chromium != nil && HostTool.python3 != nil,
            "skipped: chromium or python3 is not installed (apt-get install chromium python3)"))
    func theCrosscheckPageRendersEachKindInItsColour() throws {
        try importSamples()
        let page = directory + "/crosscheck.html"
        let result = try runner.run(["crosscheck", "--store", store, "--format", "html", "--output", page])
        #expect(result.status == 1, "the samples disagree on purpose: \(result.stderr)")
        let png = try screenshot(page, width: 1280, height: 1000)
        let seen = try pixels(png, near: ["#6a1b9a", "#1565c0", "#00897b", "#c62828"])
        #expect(seen.distinct > 50, "the page is not blank")
        for (color, count) in seen.counts {
            #expect(count > 500, "bars and badges in \(color): \(seen.counts)")
        }
    }

    @Test func inputValuesAreEscapedAndNothingIsFetched() throws {
        let hostile = "<img src=x onerror=alert(1)>@fabrikam.test"
        let log = GraphLogFixtures.requestLog(
            [(name: hostile, id: "scim-&-1", externalID: "ext-&")], time: "2026-11-26T07:00:00.000Z")
        let path = directory + "/hostile.jsonl"
        try Fixtures.write(log, to: path)
        let imported = try runner.run(["import", path, "--app", "Fabrikam <b>Portal</b>", "--store", store])
        #expect(imported.status == 0, "\(imported.stderr)")
        let result = try runner.run(["report", "--store", store, "--format", "html", "--user", "*fabrikam*"])
        #expect(result.status == 0, "\(result.stderr)")
        let html = result.stdout
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;@fabrikam.test"))
        #expect(html.contains("Fabrikam &lt;b&gt;Portal&lt;/b&gt;"))
        #expect(!html.contains("<img"), "no markup from an input")
        #expect(!html.contains("<script"), "no script")
        #expect(!html.contains("<link") && !html.contains("src=\"http") && !html.contains("url("), "nothing fetched")
        #expect(html.contains("user <code>*fabrikam*</code>"), "the filters are shown")
    }
}
