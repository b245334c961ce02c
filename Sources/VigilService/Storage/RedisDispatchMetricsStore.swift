import Foundation
public import VigilCore
public import VigilRedis

/// Per-minute dispatch counters in Redis: `dispatch:metrics:<unix minute>` is a HASH of counters
/// (``DispatchMetricFields``) that every instance HINCRBYs, expiring 25 hours after its minute, so
/// all instances read one picture and 24 h of history is kept.
public struct RedisDispatchMetricsStore: DispatchMetricsStore {
    private let client: RedisClient
    private let prefix: String

    /// Creates a store over `client`, with keys `<keyPrefix>dispatch:metrics:…`.
    public init(client: RedisClient, keyPrefix: String) {
        self.client = client
        self.prefix = keyPrefix
    }

    public func add(_ increments: [Int64: [String: Int64]]) throws {
        var commands: [[RedisArgument]] = []
        for (minute, fields) in increments.sorted(by: { $0.key < $1.key }) {
            let key = RedisArgument("\(prefix)dispatch:metrics:\(minute)")
            for (field, value) in fields.sorted(by: { $0.key < $1.key }) {
                commands.append(["HINCRBY", key, RedisArgument(field), RedisArgument(value)])
            }
            commands.append(["PEXPIREAT", key, RedisArgument((minute + 25 * 60) * 60_000)])
        }
        guard !commands.isEmpty else { return }
        let replies = try client.withConnection { try $0.pipeline(commands) }
        if let message = replies.lazy.compactMap(\.errorMessage).first {
            throw SLAError("recording dispatch metrics failed: \(message.prefix(200))")
        }
    }

    public func buckets(_ minutes: ClosedRange<Int64>) throws -> [Int64: [String: Int64]] {
        let order = Array(minutes)
        let replies = try client.withConnection { connection in
            try connection.pipeline(order.map { ["HGETALL", RedisArgument("\(prefix)dispatch:metrics:\($0)")] })
        }
        var out: [Int64: [String: Int64]] = [:]
        for (minute, reply) in zip(order, replies) {
            guard let items = reply.array, !items.isEmpty else { continue }
            var fields: [String: Int64] = [:]
            for index in stride(from: 0, to: items.count - 1, by: 2) {
                if let field = items[index].string, let value = items[index + 1].string.flatMap({ Int64($0) }) { fields[field] = value }
            }
            out[minute] = fields
        }
        return out
    }
}
