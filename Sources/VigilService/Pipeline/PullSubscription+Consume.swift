import Logging
import VigilNATS

extension PullSubscription {
    /// The loop every stream pipeline runs on its worker thread: fetch up to `batchSize` messages
    /// (waiting at most `fetchWait` seconds), hand each non-empty batch to `handle`, until `stop`
    /// is set; the batch in flight is always finished first. A failed fetch (server away,
    /// reconnecting) is counted, logged on the first and every 100th failure, and retried after a
    /// back-off growing to 2 s.
    func consume(batchSize: Int, fetchWait: Double, until stop: StopSignal, input: String, metrics: VigilMetrics,
                 logger: Logger, _ handle: ([JetStreamMessage]) -> Void) {
        var failures = 0
        while !stop.isSet {
            let messages: [JetStreamMessage]
            do {
                messages = try fetch(batch: batchSize, timeout: .milliseconds(Int64(fetchWait * 1000)))
            } catch {
                failures += 1
                metrics.error("fetch_failed")
                if failures == 1 || failures % 100 == 0 {
                    logger.warning("\(input) fetch failed", metadata: ["error": "\(error)", "failures": "\(failures)"])
                }
                stop.sleep(min(0.05 * Double(failures), 2))
                continue
            }
            failures = 0
            if !messages.isEmpty { handle(messages) }
        }
    }
}
