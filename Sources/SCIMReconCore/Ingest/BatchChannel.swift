import Foundation

/// The bounded queue between a reader thread and the run's thread (`LogLinePipeline`,
/// `CSVRowPipeline`): batches of prepared records in file order, then how the reading ended.
///
/// `@unchecked Sendable` is sound here: every stored property is read and written only while
/// `condition` is locked (each method below locks it first and unlocks before returning), and
/// the values passed through it are `Sendable`.
final class BatchChannel<Item: Sendable, Ending: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var batches: [[Item]] = []
    private var head = 0
    private var cancelled = false
    private var ending: Ending?

    init(capacity: Int) { self.capacity = capacity }

    /// Producer: queues a batch, waiting while the queue is full. False once cancelled.
    func put(_ batch: [Item]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while batches.count - head >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        batches.append(batch)
        condition.broadcast()
        return true
    }

    /// Producer: says how the reading ended; wakes the consumer.
    func finish(with result: Ending) {
        condition.lock()
        ending = result
        condition.broadcast()
        condition.unlock()
    }

    /// Consumer: the next batch, waiting for one; nil when the producer has ended and the
    /// queue is empty.
    func take() -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while head == batches.count && ending == nil { condition.wait() }
        guard head < batches.count else { return nil }
        let batch = batches[head]
        batches[head] = []
        head += 1
        if head > 64 && head * 2 > batches.count {
            batches.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return batch
    }

    /// Consumer: stops the producer (if still running) and waits until it has ended.
    func cancelAndWait() -> Ending {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        condition.broadcast()
        while ending == nil { condition.wait() }
        return ending!
    }
}

/// A reader thread and its queue: `produce` runs on the thread and pushes items, which the run's
/// thread takes in batches, in order. Pushing returns false once the consumer has stopped (then
/// `produce` should return at once); `finish()` stops the reader if need be, waits for it, and
/// gives what `produce` returned, so no thread outlives the read.
final class RecordPipeline<Item: Sendable, Ending: Sendable> {
    private let channel: BatchChannel<Item, Ending>

    init(
        batchSize: Int = 128, itemsAhead: Int = 1_024,
        produce: @escaping @Sendable (_ push: (Item) -> Bool) -> Ending
    ) {
        let channel = BatchChannel<Item, Ending>(capacity: max(2, itemsAhead / max(1, batchSize)))
        self.channel = channel
        let thread = Thread {
            var pending: [Item] = []
            pending.reserveCapacity(batchSize)
            var open = true
            let ending = produce { item in
                guard open else { return false }
                pending.append(item)
                guard pending.count >= batchSize else { return true }
                open = channel.put(pending)
                pending.removeAll(keepingCapacity: true)
                return open
            }
            if open && !pending.isEmpty { _ = channel.put(pending) }
            channel.finish(with: ending)
        }
        thread.stackSize = 4 << 20
        thread.start()
    }

    deinit { _ = channel.cancelAndWait() }

    /// The next batch of items, or nil at the end (then `finish()` says how the reading ended).
    func nextBatch() -> [Item]? { channel.take() }

    func finish() -> Ending { channel.cancelAndWait() }
}
