import Testing
import VigilRedis

/// These tests run `SCRIPT FLUSH`, so they run one at a time to keep their own checks exact.
@Suite(.serialized) struct RedisScriptTests {
    /// Unique source per test, so the test's own `SCRIPT EXISTS` check cannot be fooled by another test.
    private func incrementScript(_ tag: String) -> RedisScript {
        RedisScript("-- \(tag) \(UInt64.random(in: 0...UInt64.max))\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])")
    }

    @Test func evaluateLoadsTheScriptAfterFlush() throws {
        let connection = try TestRedis.connect()
        let script = incrementScript("single")
        let key = RedisArgument(TestRedis.key("script"))
        _ = try connection.command(["SCRIPT", "FLUSH"])
        #expect(try connection.command(["SCRIPT", "EXISTS", RedisArgument(script.sha1)]) == .array([.integer(0)]))

        #expect(try connection.evaluate(script, keys: [key], arguments: [5]) == .integer(5))
        #expect(try connection.command(["SCRIPT", "EXISTS", RedisArgument(script.sha1)]) == .array([.integer(1)]))
        #expect(try connection.evaluate(script, keys: [key], arguments: [2]) == .integer(7))

        _ = try connection.command(["SCRIPT", "FLUSH"])
        #expect(try connection.evaluate(script, keys: [key], arguments: [1]) == .integer(8))
        _ = try connection.command(["DEL", key])
    }

    @Test func evaluateAllReloadsAndRunsEachCallOnce() throws {
        let connection = try TestRedis.connect()
        let script = incrementScript("pipelined")
        let keys = (0..<50).map { RedisArgument(TestRedis.key("script-all-\($0)")) }
        _ = try connection.command(["SCRIPT", "FLUSH"])

        let replies = try connection.evaluateAll(script, calls: keys.enumerated().map { ([$0.element], [RedisArgument($0.offset)]) })
        #expect(replies == (0..<50).map { RedisValue.integer(Int64($0)) })
        // Had any call run twice, its key would hold twice its increment.
        let stored = try connection.pipeline(keys.map { ["GET", $0] }).map(\.int)
        #expect(stored == (0..<50).map { Int64($0) })
        _ = try connection.command(["DEL"] + keys)
    }

    @Test("several scripts in one pipeline: replies come back per script, and only the calls answered NOSCRIPT run again")
    func evaluateAllGroupsReloadsEveryScriptItNeeds() throws {
        let connection = try TestRedis.connect()
        let scripts = [incrementScript("group-a"), incrementScript("group-b"), incrementScript("group-c")]
        let keys = (0..<3).map { group in (0..<4).map { RedisArgument(TestRedis.key("script-group-\(group)-\($0)")) } }
        _ = try connection.command(["SCRIPT", "FLUSH"])
        // The second script is cached, the others are not; the empty group keeps its place.
        _ = try connection.command(["SCRIPT", "LOAD", RedisArgument(scripts[1].source)])
        let groups = (0..<3).map { group in
            RedisScriptCalls(scripts[group], calls: keys[group].enumerated().map { ([$0.element], [RedisArgument(10 * group + $0.offset + 1)]) })
        } + [RedisScriptCalls(scripts[0], calls: [])]
        let replies = try connection.evaluateAll(groups)
        #expect(replies.count == 4)
        for group in 0..<3 {
            #expect(replies[group] == (0..<4).map { RedisValue.integer(Int64(10 * group + $0 + 1)) })
            // Had any call run twice, its key would hold twice its increment.
            #expect(try connection.pipeline(keys[group].map { ["GET", $0] }).map(\.int) == (0..<4).map { Int64(10 * group + $0 + 1) })
        }
        #expect(replies[3].isEmpty)
        #expect(try connection.evaluateAll([]).isEmpty)
        _ = try connection.command(["DEL"] + keys.flatMap { $0 })
    }

    @Test func scriptErrorsAreThrownSinglyAndReturnedWhenPipelined() throws {
        let connection = try TestRedis.connect()
        let script = RedisScript("if ARGV[1] == 'bad' then return redis.error_reply('VIGIL bad input') end return ARGV[1]")
        do {
            _ = try connection.evaluate(script, arguments: ["bad"])
            Issue.record("the script's error must be thrown")
        } catch let error as RedisError {
            #expect(error.code == .script)
            #expect(error.serverMessage == "VIGIL bad input")
        }
        let replies = try connection.evaluateAll(script, calls: [([], ["ok"]), ([], ["bad"]), ([], ["fine"])])
        #expect(replies == [.bulk(Array("ok".utf8)), .error("VIGIL bad input"), .bulk(Array("fine".utf8))])
    }

    @Test func scriptThatDoesNotCompileIsAClearScriptError() throws {
        let connection = try TestRedis.connect()
        do {
            _ = try connection.evaluate(RedisScript("return +"))
            Issue.record("a broken script must fail")
        } catch let error as RedisError {
            #expect(error.code == .script)
            #expect(error.message.contains("loading script"), "message: \(error.message)")
        }
        try connection.ping()
    }

    @Test func localSHA1MatchesTheServers() throws {
        let connection = try TestRedis.connect()
        let script = RedisScript("return 'é\0 \(UInt64.random(in: 0...UInt64.max))'")
        #expect(try connection.command(["SCRIPT", "LOAD", RedisArgument(script.source)]).string == script.sha1)
    }
}
