import Foundation
public import VigilCore
public import VigilRedis

/// Dispatch records in Redis: `dispatch:<id>` is a HASH (`v` version, `r` record JSON, `s`
/// status), replaced by a compare-and-set script; `dispatch:open` is a HASH counting dispatches
/// per non-terminal status, kept by the same script so active/pending counts agree across
/// instances. Terminal records expire after `terminalRetention` (duplicates arriving later than
/// that start a new record).
public struct RedisDispatchStateStore: DispatchStateStore {
    private let client: RedisClient
    private let prefix: String
    private let terminalRetention: TimeInterval

    /// Creates a store over `client`, with keys `<keyPrefix>dispatch:…`.
    public init(client: RedisClient, keyPrefix: String, terminalRetention: TimeInterval = 7 * 86400) {
        self.client = client
        self.prefix = keyPrefix
        self.terminalRetention = terminalRetention
    }

    /// KEYS: record HASH, open-count HASH. ARGV: expected version ('' = absent), new version,
    /// record JSON, new status, expiry ms (0 = none). Returns 1 when stored, 0 on a version mismatch.
    static let storeScript = RedisScript("""
        local v = redis.call('HGET', KEYS[1], 'v')
        if (v or '') ~= ARGV[1] then return 0 end
        local open = { created = true, assigned = true, acknowledged = true }
        local old = redis.call('HGET', KEYS[1], 's')
        if old and open[old] then redis.call('HINCRBY', KEYS[2], old, -1) end
        if open[ARGV[4]] then redis.call('HINCRBY', KEYS[2], ARGV[4], 1) end
        redis.call('HSET', KEYS[1], 'v', ARGV[2], 'r', ARGV[3], 's', ARGV[4])
        if ARGV[5] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[5]) end
        return 1
        """)

    public func load(_ dispatchID: String) throws -> VersionedDispatch? {
        let reply = try client.withConnection { try $0.command("HMGET", RedisArgument("\(prefix)dispatch:\(dispatchID)"), "v", "r") }
        guard let items = reply.array, items.count == 2 else { throw SLAError("loading dispatch state returned the wrong shape") }
        guard let version = items[0].string.flatMap({ Int64($0) }), let bytes = items[1].bytes else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        guard let record = try? decoder.decode(DispatchRecord.self, from: Data(bytes)) else {
            throw SLAError("the stored state of dispatch '\(dispatchID.prefix(100))' is unreadable")
        }
        return VersionedDispatch(record: record, version: version)
    }

    public func store(_ record: DispatchRecord, expecting expected: Int64?) throws -> Bool {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        let expiry = record.status.isTerminal ? Int64(terminalRetention * 1000) : 0
        let arguments = [RedisArgument(expected.map(String.init) ?? ""), RedisArgument((expected ?? 0) + 1),
                         RedisArgument([UInt8](try encoder.encode(record))), RedisArgument(record.status.rawValue), RedisArgument(expiry)]
        let keys = [RedisArgument("\(prefix)dispatch:\(record.dispatchID)"), RedisArgument("\(prefix)dispatch:open")]
        return try client.withConnection { try $0.evaluate(Self.storeScript, keys: keys, arguments: arguments) }.int == 1
    }

    public func countByStatus() throws -> [DispatchStatus: Int] {
        let reply = try client.withConnection { try $0.command("HGETALL", RedisArgument("\(prefix)dispatch:open")) }
        let items = reply.array ?? []
        var counts: [DispatchStatus: Int] = [:]
        for index in stride(from: 0, to: items.count - 1, by: 2) {
            if let status = items[index].string.flatMap(DispatchStatus.init(rawValue:)), let value = items[index + 1].string.flatMap({ Int($0) }) {
                counts[status] = max(0, value)
            }
        }
        return counts
    }
}
