/// Prints the results and the targets as Markdown tables (they read well in a terminal too).
extension BenchSuite {
    func printTables(command: String) {
        print("")
        print(
            "scimrecon-bench: N=\(options.users) users, M=\(options.events) events, seed \(options.seed), "
                + "median of \(options.runs) runs; \(command)")
        print("")
        print("| measurement | items | median | rate | peak RSS |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for result in results {
            let rate = result.items > 0 ? "\(Figures.grouped(result.rate)) \(result.unit)/s" : "-"
            let items = result.items > 0 ? Figures.grouped(Double(result.items)) : "-"
            print(
                "| \(result.name) | \(items) | \(Figures.duration(result.median)) | \(rate) | "
                    + "\(Figures.megabytes(result.peakBytes)) MB |")
        }
        print("")
        print("| target | measured | met |")
        print("| --- | --- | :---: |")
        for target in Self.targets {
            guard let ours = results.first(where: { $0.name == target.ours }) else { continue }
            switch target.kind {
            case .ratio:
                guard let peerName = target.peer, let peer = results.first(where: { $0.name == peerName }) else {
                    print("| \(target.name) | peer not run | - |")
                    continue
                }
                let ratio = ours.median / max(peer.median, 1e-9)
                print(
                    "| \(target.name) | ours/peer = \(Figures.fixed(ratio, 2)) (\(Figures.duration(ours.median)) vs "
                        + "\(Figures.duration(peer.median))) | \(ratio <= target.bound ? "yes" : "no") |")
            case .seconds:
                print(
                    "| \(target.name) | \(Figures.duration(ours.median)) | \(ours.median <= target.bound ? "yes" : "no") |"
                )
            case .megabytes:
                break
            }
        }
        let peak = results.filter { !$0.name.hasPrefix("peer:") }.map(\.peakBytes).max() ?? 0
        print(
            "| peak memory under 100 MB at every size | \(Figures.megabytes(peak)) MB | "
                + "\(peak < 100 * 1_048_576 ? "yes" : "no") |")
        for result in results where result.note != nil {
            print("note: \(result.name): \(result.note!)")
        }
        for note in notes { print("note: \(note)") }
    }
}
