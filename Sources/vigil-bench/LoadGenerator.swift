import VigilNATS

/// Publishes decisions to `trading.decisions.<portfolio>` through JetStream in small batches.
///
/// Paced mode follows a fixed schedule (sequence i is due at start + i/rate): each pass publishes
/// every decision already due, so a slow publish makes the next batch bigger instead of shifting
/// the schedule, and the tracker measures from the scheduled time. Max-rate mode publishes as fast
/// as JetStream acknowledges while at most `maxInFlight` decisions await their event.
struct LoadGenerator {
    let jetStream: JetStream
    let factory: PayloadFactory
    let tracker: CompletionTracker
    let subjectPrefix: String
    let maxBatch: Int

    /// Outcome of a generator run.
    struct Result {
        /// Sequences handed to JetStream and acknowledged.
        var published = 0
        /// Sequences JetStream did not acknowledge.
        var failed = 0
        /// Wall time from the first to the last publish, in nanoseconds.
        var elapsed: UInt64 = 0
        /// Largest batch published at once (a sign the generator fell behind the schedule).
        var largestBatch = 0
        /// The first sequence not published.
        var next = 0
    }

    /// Publishes `first..<first + count` at `rate` decisions per second.
    func runPaced(first: Int, rate: Double, count: Int) -> Result {
        var result = Result()
        let start = Monotonic.nanos()
        let interval = 1e9 / rate
        var sequence = first
        let end = first + count
        while sequence < end {
            let elapsed = Double(Monotonic.nanos() - start)
            let due = min(end, first + Int(elapsed / interval) + 1)
            if due <= sequence {
                Monotonic.sleep(until: start + UInt64(Double(sequence - first) * interval))
                continue
            }
            let upTo = min(due, sequence + maxBatch)
            let times = (sequence..<upTo).map { start + UInt64(Double($0 - first) * interval) }
            publish(sequence..<upTo, times: times, into: &result)
            sequence = upTo
        }
        result.elapsed = Monotonic.nanos() - start
        result.next = sequence
        return result
    }

    /// Publishes from `first` as fast as possible for `duration` nanoseconds, keeping at most
    /// `maxInFlight` decisions unanswered.
    func runMax(first: Int, duration: UInt64, maxInFlight: Int) -> Result {
        var result = Result()
        let start = Monotonic.nanos()
        var sequence = first
        while Monotonic.nanos() - start < duration {
            let inFlight = sequence - first - tracker.receivedSince(first)
            if inFlight + maxBatch > maxInFlight {
                Monotonic.sleep(until: Monotonic.nanos() + 100_000)
                continue
            }
            let upTo = sequence + maxBatch
            let now = Monotonic.nanos()
            publish(sequence..<upTo, times: Array(repeating: now, count: upTo - sequence), into: &result)
            sequence = upTo
        }
        result.elapsed = Monotonic.nanos() - start
        result.next = sequence
        return result
    }

    /// Publishes one decision and returns whether JetStream stored it.
    func publishOne(_ sequence: Int) -> Bool {
        var result = Result()
        publish(sequence..<sequence + 1, times: [Monotonic.nanos()], into: &result)
        return result.failed == 0
    }

    private func publish(_ range: Range<Int>, times: [UInt64], into result: inout Result) {
        let messages = range.map { sequence in
            OutboundMessage(subject: subjectPrefix + factory.template(sequence).portfolioID, payload: factory.payload(sequence),
                            messageID: factory.decisionID(sequence))
        }
        // Send times are known before the publish, so an event can never arrive unmatched.
        tracker.sent(from: range.lowerBound, times: times)
        result.largestBatch = max(result.largestBatch, messages.count)
        let started = Monotonic.nanos()
        do {
            try jetStream.publishBatch(messages, timeout: .seconds(10))
            tracker.published(range, started: started, acknowledged: Monotonic.nanos())
            result.published += messages.count
        } catch {
            // publishBatch stores what it can and reports how many failed in its error; counting the
            // whole batch as failed errs on the side of reporting a problem.
            result.failed += messages.count
        }
    }
}
