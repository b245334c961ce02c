import Testing
@testable import VigilRedis

@Suite struct RedisConfigurationURLTests {
    @Test func parsesFullTCPURL() throws {
        let config = try RedisConfiguration(url: "redis://alice:s%40cret@cache.internal:6380/4")
        #expect(config.host == "cache.internal")
        #expect(config.port == 6380)
        #expect(config.username == "alice")
        #expect(config.password == "s@cret")
        #expect(config.database == 4)
        #expect(config.unixSocketPath == nil)
    }

    @Test func appliesDefaultsForOmittedParts() throws {
        let config = try RedisConfiguration(url: "redis://localhost")
        #expect(config.host == "localhost")
        #expect(config.port == 6379)
        #expect(config.database == 0)
        #expect(config.username == nil && config.password == nil)
    }

    @Test func passwordOnlyAndIPv6() throws {
        let config = try RedisConfiguration(url: "redis://:pw@[::1]:7000/2")
        #expect(config.host == "::1")
        #expect(config.port == 7000)
        #expect(config.username == nil)
        #expect(config.password == "pw")
        #expect(config.endpoint == "[::1]:7000")
    }

    @Test func parsesUnixSocketURL() throws {
        let config = try RedisConfiguration(url: "unix:///run/redis/redis.sock?db=3")
        #expect(config.unixSocketPath == "/run/redis/redis.sock")
        #expect(config.database == 3)
        #expect(config.endpoint == "unix:/run/redis/redis.sock")
    }

    @Test(arguments: [
        ("redis://host:abc/0", "port 'abc'"),
        ("redis://host:0", "port '0'"),
        ("redis://host:70000", "port '70000'"),
        ("redis://host:6379/x", "database 'x'"),
        ("redis://host:6379/-1", "database '-1'"),
        ("unix:///tmp/r.sock?db=minus", "database 'minus'"),
        ("unix:///tmp/r.sock?timeout=1", "parameter 'timeout'"),
        ("unix://relative.sock", "must be absolute"),
        ("http://host", "scheme 'http'"),
        ("rediss://host", "TLS"),
        ("redis://:6379", "no host"),
        ("redis://alice@host", "password is not"),
    ])
    func rejectsBadURLNamingThePart(url: String, expected: String) {
        do {
            _ = try RedisConfiguration(url: url)
            Issue.record("expected \(url) to be rejected")
        } catch {
            #expect(error.code == .configuration)
            #expect(error.message.contains(expected), "message was: \(error.message)")
        }
    }

    @Test func errorsAndDescriptionNeverShowThePassword() throws {
        do {
            _ = try RedisConfiguration(url: "redis://u:hunter2@host:99999/0")
            Issue.record("expected a bad port error")
        } catch {
            #expect(!error.description.contains("hunter2"))
        }
        let config = try RedisConfiguration(url: "redis://u:hunter2@host:6379/0")
        #expect(!config.description.contains("hunter2"))
        #expect(config.description.contains("password=***"))
    }
}
