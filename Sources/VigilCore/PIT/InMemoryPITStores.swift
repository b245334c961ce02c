public import Foundation
import Synchronization

/// In-memory ``FeatureHistoryStore`` for tests and the simulator; same rules as the Redis one.
public final class InMemoryFeatureHistoryStore: FeatureHistoryStore {
    private struct Fact { var version: Int; var digest: String; var answers: [String: HistoryAnswer] }
    private let facts = Mutex<[String: Fact]>([:])

    /// Creates an empty store.
    public init() {}

    public func record(_ entries: [HistoryEntry]) throws -> [HistoryAnswer] {
        facts.withLock { facts in
            entries.map { entry in
                let key = "\(entry.feature)\u{1F}\(entry.entity)\u{1F}\(entry.eventMilliseconds)"
                guard var fact = facts[key] else {
                    facts[key] = Fact(version: entry.version, digest: entry.valueDigest, answers: [entry.writeID: .accepted])
                    return .accepted
                }
                if let answer = fact.answers[entry.writeID] { return answer }
                let answer: HistoryAnswer
                if fact.digest == entry.valueDigest {
                    answer = .accepted
                    fact.version = max(fact.version, entry.version)
                } else if entry.isRevision && entry.version > fact.version {
                    answer = .accepted
                    fact.version = entry.version
                    fact.digest = entry.valueDigest
                } else {
                    answer = .conflict(recordedVersion: fact.version)
                }
                fact.answers[entry.writeID] = answer
                facts[key] = fact
                return answer
            }
        }
    }
}

/// In-memory ``QualityWindowStore`` for tests and the simulator; same rules as the Redis one.
public final class InMemoryQualityWindowStore: QualityWindowStore {
    private struct Window {
        var samples: [String: (at: Int64, missing: Bool)] = [:]
        var answers: [String: QualityCrossing?] = [:]
        var end: Int64 = .min
        var degraded = false
        var missing = 0
        // The earliest arrival held, so the window is scanned only when something expires.
        var oldest: Int64 = .max
    }
    private let windows = Mutex<[String: Window]>([:])

    /// Creates an empty store.
    public init() {}

    public func observe(_ samples: [QualitySample], rule: QualityRule) throws -> [QualityCrossing?] {
        windows.withLock { windows in
            // Mutated in place (inout), so a window's dictionaries are never copied per sample.
            samples.map { sample in Self.observe(sample, rule: rule, in: &windows[sample.feature, default: Window()]) }
        }
    }

    private static func observe(_ sample: QualitySample, rule: QualityRule, in window: inout Window) -> QualityCrossing? {
        if let answer = window.answers[sample.writeID] { return answer }
        window.end = max(window.end, sample.atMilliseconds)
        let cutoff = window.end - rule.windowMilliseconds
        if window.oldest <= cutoff {
            for (id, old) in window.samples where old.at <= cutoff {
                window.samples[id] = nil
                window.answers[id] = nil
                if old.missing { window.missing -= 1 }
            }
            window.oldest = window.samples.values.map(\.at).min() ?? .max
        }
        // A late sample (already outside the window) is not counted.
        guard sample.atMilliseconds > cutoff else { return nil }
        window.samples[sample.writeID] = (sample.atMilliseconds, sample.missing)
        window.oldest = min(window.oldest, sample.atMilliseconds)
        if sample.missing { window.missing += 1 }
        let total = window.samples.count
        let degraded = total >= rule.minimumSamples && Double(window.missing) > rule.threshold * Double(total)
        let answer: QualityCrossing? = degraded && !window.degraded ? QualityCrossing(missing: window.missing, total: total) : nil
        window.degraded = degraded
        window.answers[sample.writeID] = answer
        return answer
    }
}

/// In-memory ``ContractWarningThrottle`` for tests and the simulator; same rules as the Redis one.
public final class InMemoryContractWarningThrottle: ContractWarningThrottle {
    private let claims = Mutex<[String: (writeID: String, until: Date)]>([:])

    /// Creates an empty throttle.
    public init() {}

    public func claim(_ requests: [(feature: String, writeID: String)], at now: Date, interval: TimeInterval) throws -> [Bool] {
        claims.withLock { claims in
            requests.map { request in
                if let held = claims[request.feature] {
                    if held.writeID == request.writeID { return true }
                    if now < held.until { return false }
                }
                claims[request.feature] = (request.writeID, now.addingTimeInterval(interval))
                return true
            }
        }
    }
}
