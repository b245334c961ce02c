public import Foundation

/// A write offered to the history of its (feature, entity, event time).
public struct HistoryEntry: Sendable, Equatable {
    /// The write's identity (``FeatureWrite/writeID``): the same id always gets the same answer.
    public var writeID: String
    /// `<feature>` `<entity>` `<event ms>`: the fact the value is for.
    public var feature: String, entity: String, eventMilliseconds: Int64
    /// Version and revision flag of the write.
    public var version: Int, isRevision: Bool
    /// SHA-1 of the canonical value.
    public var valueDigest: String

    /// Creates an entry for `write`; pass its id and digest when already computed.
    public init(_ write: FeatureWrite, writeID: String? = nil, valueDigest: String? = nil) {
        self.writeID = writeID ?? write.writeID
        feature = write.featureName
        entity = write.entityID
        eventMilliseconds = write.eventTimestamp.milliseconds
        version = write.version
        isRevision = write.isRevision
        self.valueDigest = valueDigest ?? write.valueDigest
    }
}

/// What the history store said about an entry.
public enum HistoryAnswer: Sendable, Equatable {
    /// New, the same value again, or a proper revision (higher version): accepted.
    case accepted
    /// A different value for a fact already recorded, not a revision with a higher version. The
    /// recorded version is returned; the recorded value stays in force.
    case conflict(recordedVersion: Int)
}

/// Values recorded per (feature, entity, event time), for HISTORICAL_REVISION. Each entry is a
/// compare-and-set, atomic across instances; an entry's answer is remembered by write id, so a
/// redelivered write gets its first answer again. Entries are applied in order.
public protocol FeatureHistoryStore: Sendable {
    /// Applies `entries` in order and returns one answer each.
    func record(_ entries: [HistoryEntry]) throws -> [HistoryAnswer]
}

/// How QUALITY_DEGRADATION judges a feature.
public struct QualityRule: Sendable, Equatable {
    /// Length of the sliding window, in seconds.
    public var windowSeconds: Double
    /// No judgement until the window holds at least this many samples.
    public var minimumSamples: Int
    /// The missing-value rate (0…1) above which quality is degraded.
    public var threshold: Double

    /// Defaults: 5-minute window, 20 samples, 10 %.
    public init(windowSeconds: Double = 300, minimumSamples: Int = 20, threshold: Double = 0.1) {
        self.windowSeconds = windowSeconds
        self.minimumSamples = minimumSamples
        self.threshold = threshold
    }

    /// The window in milliseconds.
    public var windowMilliseconds: Int64 { Int64((windowSeconds * 1000).rounded()) }
}

/// One write's sample for its feature's quality window, timed by its arrival.
public struct QualitySample: Sendable, Equatable {
    /// The write's identity; a sample counts once however often it is offered.
    public var writeID: String
    /// The feature.
    public var feature: String
    /// Arrival in ms since the epoch.
    public var atMilliseconds: Int64
    /// Whether the value was missing (null/NaN).
    public var missing: Bool

    /// Creates a sample.
    public init(writeID: String, feature: String, atMilliseconds: Int64, missing: Bool) {
        self.writeID = writeID
        self.feature = feature
        self.atMilliseconds = atMilliseconds
        self.missing = missing
    }
}

/// The window state when a sample pushed the missing rate over the threshold.
public struct QualityCrossing: Sendable, Equatable {
    /// Missing samples in the window.
    public var missing: Int
    /// All samples in the window.
    public var total: Int

    /// Creates a crossing.
    public init(missing: Int, total: Int) {
        self.missing = missing
        self.total = total
    }
}

/// Sliding windows of missing-value samples per feature. A feature is "degraded" while its window
/// holds at least `minimumSamples` and the missing rate is above `threshold`; only the sample that
/// makes it degraded gets a crossing (once per crossing, not per write). The window ends at the
/// latest arrival seen; a sample older than the window is late and ignored.
public protocol QualityWindowStore: Sendable {
    /// Offers `samples` in order; returns the crossing each caused, if any.
    func observe(_ samples: [QualitySample], rule: QualityRule) throws -> [QualityCrossing?]
}

/// CONFIG_WARNING's throttle: one claim per feature per interval. The claim is remembered with the
/// write that made it, so that write redelivered claims again (its warning must not be lost).
public protocol ContractWarningThrottle: Sendable {
    /// For each (feature, write id), whether it holds the feature's claim at `now`.
    func claim(_ requests: [(feature: String, writeID: String)], at now: Date, interval: TimeInterval) throws -> [Bool]
}

/// A state store answered in a way Vigil cannot read.
public struct PITStoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}

/// What one batch asks the three PIT stores: independent of each other's answers, so a store that
/// can (Redis) answers them all in one round trip.
public struct PITStateQuery: Sendable {
    /// For ``FeatureHistoryStore/record(_:)``.
    public var history: [HistoryEntry]
    /// For ``QualityWindowStore/observe(_:rule:)``.
    public var samples: [QualitySample]
    public var rule: QualityRule
    /// For ``ContractWarningThrottle/claim(_:at:interval:)``.
    public var claims: [(feature: String, writeID: String)]
    public var now: Date
    public var interval: TimeInterval

    /// Creates a query.
    public init(history: [HistoryEntry], samples: [QualitySample], rule: QualityRule,
                claims: [(feature: String, writeID: String)], now: Date, interval: TimeInterval) {
        self.history = history
        self.samples = samples
        self.rule = rule
        self.claims = claims
        self.now = now
        self.interval = interval
    }
}

/// The three stores' answers to a ``PITStateQuery``, each in its order.
public struct PITStateAnswers: Sendable, Equatable {
    public var history: [HistoryAnswer]
    public var quality: [QualityCrossing?]
    public var claims: [Bool]

    /// Creates the answers.
    public init(history: [HistoryAnswer], quality: [QualityCrossing?], claims: [Bool]) {
        self.history = history
        self.quality = quality
        self.claims = claims
    }
}

/// The three PIT stores asked together. Must answer exactly as the stores asked one after the other.
public protocol PITStateBatch: Sendable {
    /// Answers every part of `query`.
    func answer(_ query: PITStateQuery) throws -> PITStateAnswers
}
