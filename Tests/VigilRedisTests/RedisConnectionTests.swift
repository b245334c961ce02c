import Testing
import VigilRedis

@Suite struct RedisConnectionTests {
    @Test func binaryValuesWithNULBytesRoundTrip() throws {
        let connection = try TestRedis.connect()
        let key = RedisArgument(Array(TestRedis.key("bin").utf8) + [0, 0xFF])
        let value: [UInt8] = [0, 1, 0, 0xFF, 0x80, 0xC3, 0x28, 0, 13, 10]
        #expect(try connection.command(["SET", key, RedisArgument(value)]) == .simple("OK"))
        #expect(try connection.command(["GET", key]) == .bulk(value))
        #expect(try connection.command(["STRLEN", key]) == .integer(Int64(value.count)))
        _ = try connection.command(["DEL", key])
    }

    @Test func oneMegabyteValueRoundTrips() throws {
        let connection = try TestRedis.connect()
        let key = RedisArgument(TestRedis.key("big"))
        var generator = SystemRandomNumberGenerator()
        let value = (0..<1_048_576).map { _ in UInt8.random(in: 0...255, using: &generator) }
        _ = try connection.command(["SET", key, RedisArgument(value)])
        #expect(try connection.command(["GET", key]) == .bulk(value))
        _ = try connection.command(["DEL", key])
    }

    @Test func missingKeyIsNullAndNumbersAreEncoded() throws {
        let connection = try TestRedis.connect()
        let key = RedisArgument(TestRedis.key("num"))
        #expect(try connection.command("GET", key) == .null)
        _ = try connection.command("ZADD", key, RedisArgument(1.5), "member")
        #expect(try connection.command("ZSCORE", key, "member").string == "1.5")
        #expect(try connection.command("ZINCRBY", key, RedisArgument(-0.25), "member").string == "1.25")
        _ = try connection.command("DEL", key)
    }

    @Test func pipelineOfTenThousandIncrementsAnswersInOrder() throws {
        let connection = try TestRedis.connect()
        let key = RedisArgument(TestRedis.key("incr"))
        let replies = try connection.pipeline(Array(repeating: ["INCR", key], count: 10_000))
        #expect(replies == (1...10_000).map { RedisValue.integer(Int64($0)) })
        _ = try connection.command(["DEL", key])
    }

    @Test func serverErrorInPipelineOnlyAffectsThatCommand() throws {
        let connection = try TestRedis.connect()
        let key = RedisArgument(TestRedis.key("mixed"))
        let replies = try connection.pipeline([
            ["SET", key, "text"],
            ["LPUSH", key, "x"],
            ["GET", key],
            ["INCR", key],
            ["APPEND", key, "!"],
        ])
        #expect(replies.count == 5)
        #expect(replies[0] == .simple("OK"))
        #expect(replies[1].errorMessage?.hasPrefix("WRONGTYPE") == true)
        #expect(replies[2] == .bulk(Array("text".utf8)))
        #expect(replies[3].errorMessage?.hasPrefix("ERR") == true)
        #expect(replies[4] == .integer(5))
        #expect(!connection.needsReconnect)
        _ = try connection.command(["DEL", key])
    }

    @Test func singleCommandThrowsTheServerError() throws {
        let connection = try TestRedis.connect()
        let key = RedisArgument(TestRedis.key("wrongtype"))
        _ = try connection.command(["SET", key, "text"])
        do {
            _ = try connection.command(["LPUSH", key, "x"])
            Issue.record("LPUSH on a string should fail")
        } catch let error as RedisError {
            #expect(error.code == .server)
            #expect(error.serverMessage?.hasPrefix("WRONGTYPE") == true)
        }
        try connection.ping()
        _ = try connection.command(["DEL", key])
    }

    @Test func selectedDatabaseIsHonoured() throws {
        let key = RedisArgument(TestRedis.key("db"))
        let db5 = try TestRedis.connect { $0.database = 5 }
        let db0 = try TestRedis.connect { $0.database = 0 }
        _ = try db5.command(["SET", key, "in-five"])
        #expect(try db0.command(["GET", key]) == .null)
        #expect(try db5.command(["GET", key]).string == "in-five")
        let info = try db5.command(["CLIENT", "INFO"]).string ?? ""
        #expect(info.contains(" db=5 "))
        _ = try db5.command(["DEL", key])
    }

    @Test func emptyCommandIsRejectedWithoutBreakingTheConnection() throws {
        let connection = try TestRedis.connect()
        #expect(throws: RedisError.self) { try connection.pipeline([["PING"], []]) }
        try connection.ping()
    }

    @Test func closeIsIdempotentAndLaterCallsSayClosed() throws {
        let connection = try TestRedis.connect()
        connection.close()
        connection.close()
        do {
            try connection.ping()
            Issue.record("a closed connection must not answer")
        } catch let error as RedisError {
            #expect(error.code == .closed)
        }
    }
}
