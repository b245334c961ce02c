import Foundation
public import VigilCore
public import VigilRedis

/// Breaker and quarantine state as the PIT capability writes it in Redis, read in one pipelined
/// round trip per batch. Layout (docs/windows.md):
/// - `<prefix>breaker:<scope>` HASH: `state` = closed | open | half_open, `reason`, `percent` (0–100).
/// - `<prefix>quarantine` HASH: feature name → reason.
///
/// Unreadable state fails closed: an unknown `state` value or a key of the wrong type reads as an
/// open breaker (or a quarantined feature) whose reason names the problem, so a bad write stops
/// trading visibly instead of stalling the decision stream.
public struct RedisEnforcementState: EnforcementStateReader {
    private let client: RedisClient
    private let prefix: String

    /// Creates a reader over `client`, with keys under `keyPrefix`.
    public init(client: RedisClient, keyPrefix: String) {
        self.client = client
        self.prefix = keyPrefix
    }

    public func breakers(for scopes: Set<String>) throws -> [String: BreakerState] {
        try snapshot(scopes: scopes, features: []).breakers
    }

    public func quarantined(features: Set<String>) throws -> [String: String] {
        try snapshot(scopes: [], features: features).quarantined
    }

    public func snapshot(scopes: Set<String>, features: Set<String>) throws -> EnforcementSnapshot {
        let query = query(scopes: scopes, features: features)
        let commands = query.commands()
        guard !commands.isEmpty else { return EnforcementSnapshot() }
        let replies = try client.withConnection { try $0.pipeline(commands) }
        return try query.snapshot(from: replies[...])
    }

    /// The read of `scopes` and `features` under this reader's key prefix.
    func query(scopes: Set<String>, features: Set<String>) -> Query {
        Query(prefix: prefix, scopes: Array(scopes), features: Array(features))
    }

    /// One read of breakers and quarantine: its commands, and the snapshot from their replies (also
    /// used by ``RedisDecisionStateReader``, which sends them with the portfolio reads).
    struct Query {
        let prefix: String
        let scopes: [String]
        let features: [String]

        func commands() -> [[RedisArgument]] {
            var commands: [[RedisArgument]] = scopes.map {
                ["HMGET", RedisArgument("\(prefix)breaker:\($0)"), "state", "reason", "percent"]
            }
            if !features.isEmpty {
                commands.append(["HMGET", RedisArgument("\(prefix)quarantine")] + features.map { RedisArgument($0) })
            }
            return commands
        }

        func snapshot(from replies: ArraySlice<RedisValue>) throws -> EnforcementSnapshot {
            let expected = scopes.count + (features.isEmpty ? 0 : 1)
            guard replies.count == expected else {
                throw RedisError(code: .protocol, message: "enforcement state read got \(replies.count) replies for \(expected) commands")
            }
            var snapshot = EnforcementSnapshot()
            for (scope, reply) in zip(scopes, replies) {
                if let state = RedisEnforcementState.breaker(reply, key: "\(prefix)breaker:\(scope)") { snapshot.breakers[scope] = state }
            }
            if !features.isEmpty, let reply = replies.last {
                let values = reply.array ?? []
                for (position, feature) in features.enumerated() {
                    if let message = reply.errorMessage {
                        snapshot.quarantined[feature] = "quarantine state unreadable (\(prefix)quarantine: \(message))"
                    } else if position < values.count, let reason = values[position].string {
                        snapshot.quarantined[feature] = reason
                    }
                }
            }
            return snapshot
        }
    }

    /// A breaker hash's state; nil when closed or absent.
    static func breaker(_ reply: RedisValue, key: String) -> BreakerState? {
        if let message = reply.errorMessage { return .open(reason: "breaker state unreadable (\(key): \(message))") }
        let fields = reply.array ?? []
        let field = { (index: Int) in index < fields.count ? fields[index].string : nil }
        switch field(0)?.lowercased() {
        case nil, "closed":
            return nil
        case "open":
            return .open(reason: field(1) ?? "")
        case "half_open":
            // A missing or unreadable percentage admits nothing: the safe reading of a half-open breaker.
            let percent = field(2).flatMap(Double.init).map { $0.isFinite ? Int(min(max($0, 0), 100)) : 0 } ?? 0
            return .halfOpen(percent: percent)
        case let other?:
            return .open(reason: "unrecognized breaker state '\(other.prefix(40))' in \(key)")
        }
    }
}
