import Testing
@testable import VigilRedis

@Suite struct RedisValueTests {
    @Test func convertsEveryReplyKind() throws {
        let resp = "+OK\r\n:-42\r\n$3\r\na\0b\r\n$-1\r\n*2\r\n$1\r\nx\r\n*1\r\n:7\r\n-WRONGTYPE bad\r\n*-1\r\n$0\r\n\r\n*0\r\n"
        let values = try RESPReader().feed(Array(resp.utf8))
        #expect(values == [
            .simple("OK"),
            .integer(-42),
            .bulk([UInt8(ascii: "a"), 0, UInt8(ascii: "b")]),
            .null,
            .array([.bulk([UInt8(ascii: "x")]), .array([.integer(7)])]),
            .error("WRONGTYPE bad"),
            .null,
            .bulk([]),
            .array([]),
        ])
    }

    @Test func keepsNonUTF8BytesExactly() throws {
        let payload: [UInt8] = [0xFF, 0x00, 0xC3, 0x28, 0x80]
        let values = try RESPReader().feed(Array("$5\r\n".utf8) + payload + Array("\r\n".utf8))
        #expect(values == [.bulk(payload)])
    }

    @Test func waitsForACompleteReply() throws {
        let reader = try RESPReader()
        #expect(try reader.feed(Array("*2\r\n:1\r\n".utf8)) == [])
        #expect(try reader.feed(Array(":2\r\n".utf8)) == [.array([.integer(1), .integer(2)])])
    }

    @Test func rejectsMalformedProtocol() throws {
        #expect {
            _ = try RESPReader().feed(Array("?what\r\n".utf8))
        } throws: { error in
            (error as? RedisError)?.code == .protocol
        }
    }

    @Test func accessorsReadTheMatchingKindOnly() {
        #expect(RedisValue.bulk(Array("12".utf8)).int == 12)
        #expect(RedisValue.bulk(Array("hé".utf8)).string == "hé")
        #expect(RedisValue.simple("PONG").string == "PONG")
        #expect(RedisValue.integer(5).int == 5)
        #expect(RedisValue.integer(5).string == nil)
        #expect(RedisValue.null.array == nil)
        #expect(RedisValue.array([.null]).array == [.null])
        #expect(RedisValue.error("ERR x").errorMessage == "ERR x")
        #expect(RedisValue.error("ERR x").string == nil)
    }

    @Test func argumentsEncodeNumbersAsRedisReadsThem() {
        #expect(RedisArgument(42).bytes == Array("42".utf8))
        #expect(RedisArgument(-7 as Int64).bytes == Array("-7".utf8))
        #expect(RedisArgument(1.5).bytes == Array("1.5".utf8))
        #expect(RedisArgument(Double.infinity).bytes == Array("inf".utf8))
        let literal: RedisArgument = "GET"
        #expect(literal.bytes == Array("GET".utf8))
    }
}
