import Foundation
import SCIMKit

/// Reads a request log on a second thread and hands its lines, prepared (`PreparedLine`), to the
/// run's thread in order, through a small bounded queue.
///
/// The run's thread keeps everything that touches the store, in the file's order; the reader
/// thread only reads the file and does pure work (JSON, the log record, PATCH parsing, mapping of
/// created users), at most `linesAhead` lines (two batches at least) ahead, so memory stays bounded whatever the size of
/// the log. When the consumer stops early (an abort, a store error), `finish()` tells the reader
/// to stop and waits for it, so no thread outlives the read.
final class LogLinePipeline {
    /// What the reader thread ends with.
    enum Ending: Sendable {
        /// The whole file was read; the bytes after its last `\\n`, if any.
        case endOfFile(trailing: (number: Int, start: Int64, length: Int)?)
        case failed(LineReaderError)
        case cannotOpen(String)
        case cancelled
    }

    private let channel: BatchChannel<PreparedLine, Ending>
    /// The longest line read; a longer one is handed on as `.oversized`.
    let maxLineLength: Int
    private var batch: [PreparedLine] = []
    private var position = 0

    /// Starts reading `path` from `startOffset` (a line start), numbering lines from `startLine`.
    init(
        path: String, startOffset: Int64, startLine: Int, mapping: Mapping, maxLineLength: Int = 16 << 20,
        batchSize: Int = 128, linesAhead: Int = 1_024
    ) {
        let channel = BatchChannel<PreparedLine, Ending>(capacity: max(2, linesAhead / max(1, batchSize)))
        self.channel = channel
        self.maxLineLength = maxLineLength
        let thread = Thread {
            channel.finish(
                with: Self.produce(
                    path: path, startOffset: startOffset, startLine: startLine, mapping: mapping,
                    maxLineLength: maxLineLength, batchSize: batchSize, channel: channel))
        }
        thread.stackSize = 4 << 20
        thread.start()
    }

    deinit { _ = channel.cancelAndWait() }

    /// The next prepared line, or nil at the end (then `finish()` says how the reading ended).
    func next() -> PreparedLine? {
        if position == batch.count {
            guard let more = channel.take() else { return nil }
            batch = more
            position = 0
        }
        defer { position += 1 }
        return batch[position]
    }

    /// The next batch of prepared lines (in file order), or nil at the end. Not to be mixed with
    /// `next()`.
    func nextBatch() -> [PreparedLine]? {
        channel.take()
    }

    /// Stops the reader if it is still running, waits for it, and says how it ended.
    func finish() -> Ending { channel.cancelAndWait() }

    /// The reader thread's loop.
    private static func produce(
        path: String, startOffset: Int64, startLine: Int, mapping: Mapping, maxLineLength: Int, batchSize: Int,
        channel: BatchChannel<PreparedLine, Ending>
    ) -> Ending {
        let reader: LineReader
        do {
            reader = try LineReader(
                path: path, startOffset: startOffset, startLine: startLine, maxLineLength: maxLineLength)
        } catch {
            return .cannotOpen("\(error)")
        }
        var parser = JSONParser()
        var paths = AttributePathCache()
        var pending: [PreparedLine] = []
        pending.reserveCapacity(batchSize)
        var cancelled = false
        /// Queues a prepared line; false when the consumer has stopped.
        func push(_ line: PreparedLine) -> Bool {
            pending.append(line)
            guard pending.count == batchSize else { return true }
            guard channel.put(pending) else {
                cancelled = true
                return false
            }
            pending.removeAll(keepingCapacity: true)
            return true
        }
        reader.onOversizedLine = { number, _, end in
            if !push(
                PreparedLine(
                    number: number, end: end, fingerprint: Fingerprint(high: 0, low: 0),
                    content: .oversized(maxLineLength: maxLineLength)))
            {
                throw CancellationError()
            }
        }
        do {
            try reader.forEachLine { line, number, start, end in
                // A UTF-8 byte order mark before the first record is an editor's, not the record's.
                let hasBOM = start == 0 && line.count >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF
                let record = hasBOM ? UnsafeBufferPointer(rebasing: line.dropFirst(3)) : line
                return push(
                    PreparedLine.prepare(
                        record, number: number, end: end, path: path, mapping: mapping, parser: &parser,
                        paths: &paths))
            }
        } catch let error as LineReaderError {
            if !pending.isEmpty && !channel.put(pending) { return .cancelled }
            return .failed(error)
        } catch is CancellationError {
            return .cancelled
        } catch {
            return .failed(LineReaderError(path: path, message: "\(error)"))
        }
        if cancelled { return .cancelled }
        if !pending.isEmpty && !channel.put(pending) { return .cancelled }
        return .endOfFile(trailing: reader.trailingPartialLine)
    }
}
