import Foundation
public import VigilCore

extension VigilConfiguration {
    /// Point-in-time detection of feature writes (docs/pit.md).
    public struct PIT: Sendable, Equatable {
        /// Turns the feature-write pipeline on.
        public var enabled = true
        /// The stream of feature writes.
        public var stream = Stream(name: "VIGIL_FEATURES", subjects: ["features.writes.>"], maxAge: 7 * 86_400,
                                   maxBytes: 10 << 30, maxMessageSize: 1 << 20, duplicateWindow: 120)
        /// Its durable pull consumer (same settings as the decision consumer, but commits are not
        /// spaced out: a breaker trip or quarantine is published after its commit).
        public var consumer: DecisionConsumer = {
            var consumer = DecisionConsumer()
            consumer.durableName = "vigil-features"
            consumer.commitInterval = 0
            return consumer
        }()
        /// QUALITY_DEGRADATION: window length, in seconds.
        public var qualityWindow = 300.0
        /// QUALITY_DEGRADATION: samples needed before the rate is judged.
        public var qualityMinimumSamples = 20
        /// QUALITY_DEGRADATION: the missing (null/NaN) rate above which quality is degraded.
        public var qualityThreshold = 0.1
        /// CONFIG_WARNING: at most once per feature per this many seconds.
        public var configWarningInterval = 3600.0
        /// HISTORICAL_REVISION: how long a recorded value is remembered, in seconds.
        public var historyRetention = 7 * 86_400.0

        /// Checks the values that only make sense together, naming the key at fault.
        func validate() throws(ConfigurationError) {
            if consumer.ackWait < 1 { throw ConfigurationError(key: "pit.ack_wait", "must be at least 1s") }
            if consumer.fetchWait > 5 { throw ConfigurationError(key: "pit.fetch_wait", "must be at most 5s so shutdown stays prompt") }
            if consumer.fetchWait < 0.001 { throw ConfigurationError(key: "pit.fetch_wait", "must be at least 1ms (an idle worker would spin)") }
            if consumer.commitInterval > 1 || consumer.commitInterval * 10 > consumer.ackWait {
                throw ConfigurationError(key: "pit.commit_interval", "must be at most 1s and a tenth of pit.ack_wait (acks wait for it)")
            }
            if stream.duplicateWindow > stream.maxAge {
                throw ConfigurationError(key: "pit.stream.duplicate_window", "must not exceed pit.stream.max_age")
            }
            if configWarningInterval < 0.001 { throw ConfigurationError(key: "pit.config_warning_interval", "must be at least 1ms") }
            if historyRetention < 1 { throw ConfigurationError(key: "pit.history_retention", "must be at least 1s") }
        }

        /// The quality rule these settings describe.
        public var qualityRule: QualityRule {
            QualityRule(windowSeconds: qualityWindow, minimumSamples: qualityMinimumSamples, threshold: qualityThreshold)
        }
    }
}

extension ConfigurationKeys {
    /// The keys of the PIT capability (`pit.*`).
    static let pit: [String: Setter] = {
        var keys: [String: Setter] = [
            "pit.enabled": { c, v, k in c.pit.enabled = try ConfigValue.boolean(v, key: k) },
            "pit.stream.name": { c, v, _ in c.pit.stream.name = v },
            "pit.stream.subjects": { c, v, k in
                let subjects = v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                guard !subjects.isEmpty else { throw ConfigurationError(key: k, "needs at least one subject") }
                c.pit.stream.subjects = subjects
            },
            "pit.stream.max_age": { c, v, k in c.pit.stream.maxAge = try ConfigValue.duration(v, key: k) },
            "pit.stream.max_bytes": { c, v, k in c.pit.stream.maxBytes = try ConfigValue.bytes(v, key: k) },
            "pit.stream.duplicate_window": { c, v, k in c.pit.stream.duplicateWindow = try ConfigValue.duration(v, key: k) },
            "pit.durable_name": { c, v, _ in c.pit.consumer.durableName = v },
            "pit.batch_size": { c, v, k in c.pit.consumer.batchSize = try ConfigValue.integer(v, key: k, in: 1...10_000) },
            "pit.fetch_wait": { c, v, k in c.pit.consumer.fetchWait = try ConfigValue.duration(v, key: k) },
            "pit.ack_wait": { c, v, k in c.pit.consumer.ackWait = try ConfigValue.duration(v, key: k) },
            "pit.max_ack_pending": { c, v, k in c.pit.consumer.maxAckPending = try ConfigValue.integer(v, key: k, in: 1...1_000_000) },
            "pit.retry_delay": { c, v, k in c.pit.consumer.retryDelay = try ConfigValue.duration(v, key: k) },
            "pit.commit_interval": { c, v, k in c.pit.consumer.commitInterval = try ConfigValue.duration(v, key: k) },
            "pit.workers": { c, v, k in c.pit.consumer.workers = try ConfigValue.integer(v, key: k, in: 1...64) },
            "pit.quality.window": { c, v, k in
                let window = try ConfigValue.duration(v, key: k)
                guard window >= 0.001 else { throw ConfigurationError(key: k, "must be at least 1ms") }
                c.pit.qualityWindow = window
            },
            "pit.quality.min_samples": { c, v, k in c.pit.qualityMinimumSamples = try ConfigValue.integer(v, key: k, in: 1...1_000_000) },
            "pit.quality.threshold": { c, v, k in
                guard let rate = Double(v.trimmingCharacters(in: .whitespaces)), rate >= 0, rate < 1 else {
                    throw ConfigurationError(key: k, "expected a rate from 0 to below 1 (e.g. 0.1), got '\(v.prefix(40))'")
                }
                c.pit.qualityThreshold = rate
            },
            "pit.config_warning_interval": { c, v, k in c.pit.configWarningInterval = try ConfigValue.duration(v, key: k) },
            "pit.history_retention": { c, v, k in c.pit.historyRetention = try ConfigValue.duration(v, key: k) },
        ]
        keys["pit.stream.max_message_size"] = { c, v, k in
            let size = try ConfigValue.bytes(v, key: k)
            guard size <= Int64(Int32.max) else { throw ConfigurationError(key: k, "must be below 2GiB") }
            c.pit.stream.maxMessageSize = Int32(size)
        }
        return keys
    }()
}
