#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VigilRedis

/// Why an integration test could not start.
struct TestSetupError: Error, CustomStringConvertible {
    let description: String
}

/// Access to the redis-server started by `scripts/stack.sh up`.
enum TestRedis {
    /// The configuration from `VIGIL_REDIS_URL`, with changes applied.
    static func configuration(_ change: (inout RedisConfiguration) -> Void = { _ in }) throws -> RedisConfiguration {
        guard let raw = getenv("VIGIL_REDIS_URL"), case let url = String(cString: raw), !url.isEmpty else {
            throw TestSetupError(description: "VIGIL_REDIS_URL is not set: run scripts/test.sh or source .vigil/env")
        }
        var configuration = try RedisConfiguration(url: url)
        change(&configuration)
        return configuration
    }

    static func connect(_ change: (inout RedisConfiguration) -> Void = { _ in }) throws -> RedisConnection {
        try RedisConnection(configuration: configuration(change))
    }

    /// A key no other test (or earlier run) uses.
    static func key(_ name: String) -> String {
        "vigil-test:\(name):\(UInt64.random(in: 0...UInt64.max))"
    }
}
