import Foundation
public import VigilCore
public import VigilRedis

/// ``BreakerStore`` in Redis, in the layout the decision validator reads (docs/windows.md):
/// `<prefix>breaker:<scope>` HASH `state`/`reason`/`percent`, plus this capability's own fields
/// `seq` (the compare-and-set version), `since` (ms) and `trip` (the last trip, JSON);
/// `<prefix>breakers` SET of scopes ever written; `<prefix>quarantine` HASH feature → reason and
/// `<prefix>quarantine:cause` HASH feature → violation id; `<prefix>monitoring:<scope>` STRING with
/// a TTL for enhanced monitoring. Every write is one Lua script, so it is atomic.
public struct RedisBreakerStore: BreakerStore {
    private let client: RedisClient
    private let prefix: String

    /// Creates a store over `client`, with keys under `keyPrefix`.
    public init(client: RedisClient, keyPrefix: String) {
        self.client = client
        self.prefix = keyPrefix
    }

    public func status(_ scope: String) throws -> BreakerStatus {
        let reply = try client.withConnection { try $0.command(["HGETALL", RedisArgument(key(scope))]) }
        return try Self.decode(reply, scope: scope)
    }

    public func all() throws -> [BreakerStatus] {
        let scopes = try client.withConnection { try $0.command(["SMEMBERS", RedisArgument("\(prefix)breakers")]) }
            .array?.compactMap(\.string).sorted() ?? []
        guard !scopes.isEmpty else { return [] }
        let replies = try client.withConnection { connection in
            try connection.pipeline(scopes.map { ["HGETALL", RedisArgument(key($0))] })
        }
        return try zip(scopes, replies).map { try Self.decode($1, scope: $0) }
    }

    public func compareAndSet(_ status: BreakerStatus, expected: Int) throws -> Bool {
        let trip = try status.lastTrip.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) } ?? ""
        let arguments: [RedisArgument] = [
            RedisArgument(expected), RedisArgument(status.scope), RedisArgument(status.phase.rawValue), RedisArgument(status.reason),
            RedisArgument(status.percent), RedisArgument(status.sequence),
            RedisArgument(status.since.map(WindowArithmetic.milliseconds) ?? 0), RedisArgument(trip),
        ]
        let reply = try client.withConnection {
            try $0.evaluate(Self.compareAndSetScript, keys: [RedisArgument(key(status.scope)), RedisArgument("\(prefix)breakers")],
                            arguments: arguments)
        }
        return reply.int == 1
    }

    public func quarantine(feature: String, reason: String, cause: String) throws -> Bool {
        let reply = try client.withConnection {
            try $0.evaluate(Self.quarantineScript, keys: quarantineKeys, arguments: [RedisArgument(feature), RedisArgument(reason),
                                                                                   RedisArgument(cause)])
        }
        return reply.int == 1
    }

    public func quarantineCause(feature: String) throws -> String? {
        try client.withConnection { try $0.command(["HGET", RedisArgument("\(prefix)quarantine:cause"), RedisArgument(feature)]) }.string
    }

    public func release(feature: String) throws -> Bool {
        let reply = try client.withConnection {
            try $0.evaluate(Self.releaseScript, keys: quarantineKeys, arguments: [RedisArgument(feature)])
        }
        return reply.int == 1
    }

    public func quarantined() throws -> [String: String] {
        let items = try client.withConnection { try $0.command(["HGETALL", RedisArgument("\(prefix)quarantine")]) }.array ?? []
        var result: [String: String] = [:]
        for index in stride(from: 0, to: items.count - 1, by: 2) {
            if let feature = items[index].string { result[feature] = items[index + 1].string ?? "" }
        }
        return result
    }

    public func flagMonitoring(scope: String, reason: String, seconds: Double) throws {
        _ = try client.withConnection {
            try $0.command(["SET", RedisArgument("\(prefix)monitoring:\(scope)"), RedisArgument(reason), "PX",
                            RedisArgument(ViolationWindowArithmetic.windowMilliseconds(seconds))])
        }
    }

    private func key(_ scope: String) -> String { "\(prefix)breaker:\(scope)" }
    private var quarantineKeys: [RedisArgument] { [RedisArgument("\(prefix)quarantine"), RedisArgument("\(prefix)quarantine:cause")] }
}
