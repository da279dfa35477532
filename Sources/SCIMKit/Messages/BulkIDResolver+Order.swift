extension BulkIDResolver {
    /// The operations reordered so that each comes after the operations whose bulkIds it
    /// references (in its data or path), and otherwise in the order given.
    ///
    /// Circular references (`qwerty` → `ytrewq` → `qwerty`, RFC 7644 §3.7.1) are an error with
    /// status 409 naming the cycle. References to bulkIds no operation defines are left for
    /// `resolve` to report.
    public static func order(_ operations: [BulkOperation]) throws -> [BulkOperation] {
        var creator: [String: Int] = [:]
        for (index, operation) in operations.enumerated() {
            if let bulkID = operation.bulkID { creator[bulkID] = creator[bulkID] ?? index }
        }
        let dependencies: [[Int]] = operations.map { operation in
            var referenced = operation.data.map(references(in:)) ?? []
            referenced += operation.path.split(separator: "/").compactMap { reference(in: String($0)) }
            var seen: Set<Int> = []
            return referenced.compactMap { creator[$0] }.filter { seen.insert($0).inserted }
        }
        // Depth-first, iteratively (a long chain must not exhaust the stack).
        enum State { case unvisited, inProgress, done }
        var state = [State](repeating: .unvisited, count: operations.count)
        var ordered: [BulkOperation] = []
        ordered.reserveCapacity(operations.count)
        for root in operations.indices where state[root] == .unvisited {
            var stack: [(node: Int, next: Int)] = [(root, 0)]
            state[root] = .inProgress
            while let top = stack.last {
                let deps = dependencies[top.node]
                if top.next < deps.count {
                    stack[stack.count - 1].next += 1
                    let dep = deps[top.next]
                    switch state[dep] {
                    case .done: continue
                    case .inProgress:
                        let start = stack.firstIndex { $0.node == dep } ?? 0
                        let cycle = stack[start...].map(\.node) + [dep]
                        let names = cycle.map { FilterParser.clip(operations[$0].bulkID ?? "?") }
                        throw SCIMError(
                            status: 409, scimType: .invalidValue,
                            detail: "circular bulkId references: \(names.joined(separator: " -> "))")
                    case .unvisited:
                        state[dep] = .inProgress
                        stack.append((dep, 0))
                    }
                } else {
                    state[top.node] = .done
                    ordered.append(operations[top.node])
                    stack.removeLast()
                }
            }
        }
        return ordered
    }
}
