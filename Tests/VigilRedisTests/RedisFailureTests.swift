import Testing
import VigilRedis

@Suite struct RedisFailureTests {
    @Test func killedConnectionFailsOnceThenReconnectsWithoutResending() throws {
        let victim = try TestRedis.connect { $0.database = 2 }
        let killer = try TestRedis.connect()
        let key = RedisArgument(TestRedis.key("killed"))
        let firstID = try #require(try victim.command(["CLIENT", "ID"]).int)
        #expect(try killer.command(["CLIENT", "KILL", "ID", RedisArgument(firstID)]) == .integer(1))

        do {
            _ = try victim.command(["INCR", key])
            Issue.record("a call on a killed connection must fail")
        } catch let error as RedisError {
            #expect(error.code == .io)
            #expect(error.message.contains("closed the connection"), "message: \(error.message)")
        }
        #expect(victim.needsReconnect)

        // The failed INCR was not replayed, and the new connection is back on database 2.
        #expect(try victim.command(["GET", key]) == .null)
        let secondID = try #require(try victim.command(["CLIENT", "ID"]).int)
        #expect(secondID != firstID)
        #expect((try victim.command(["CLIENT", "INFO"]).string ?? "").contains(" db=2 "))
        #expect(!victim.needsReconnect)
    }

    @Test func wrongPasswordIsReportedWithoutThePassword() throws {
        let admin = try TestRedis.connect()
        let user = "vigil-test-\(UInt32.random(in: 0...UInt32.max))"
        _ = try admin.command(["ACL", "SETUSER", RedisArgument(user), "on", ">right-horse-battery", "~*", "+@all"])
        defer { _ = try? admin.command(["ACL", "DELUSER", RedisArgument(user)]) }

        do {
            _ = try TestRedis.connect {
                $0.username = user
                $0.password = "wrong-staple-42"
            }
            Issue.record("a wrong password must be refused")
        } catch let error as RedisError {
            #expect(error.code == .authentication)
            #expect(error.message.contains("WRONGPASS"), "message: \(error.message)")
            #expect(error.message.contains(user))
            #expect(!error.description.contains("wrong-staple-42"))
        }

        let good = try TestRedis.connect {
            $0.username = user
            $0.password = "right-horse-battery"
        }
        #expect(try good.command(["ACL", "WHOAMI"]).string == user)
    }

    @Test func closedPortGivesAClearConnectionError() throws {
        let configuration = try TestRedis.configuration {
            $0.port = 1
            $0.password = "never-shown-pw"
        }
        do {
            _ = try RedisConnection(configuration: configuration)
            Issue.record("connecting to a closed port must fail")
        } catch let error as RedisError {
            #expect(error.code == .connection)
            #expect(error.message.contains("\(configuration.host):1"))
            #expect(error.message.contains("refused"), "message: \(error.message)")
            #expect(!error.description.contains("never-shown-pw"))
        }
    }

    @Test func slowReplyTimesOutAndTheNextCallWorks() throws {
        let connection = try TestRedis.connect { $0.commandTimeout = .milliseconds(200) }
        let key = RedisArgument(TestRedis.key("blpop"))
        let clock = ContinuousClock()
        let started = clock.now
        do {
            _ = try connection.command(["BLPOP", key, "5"])
            Issue.record("BLPOP on an empty list must time out")
        } catch let error as RedisError {
            #expect(error.code == .timeout, "got \(error)")
        }
        #expect(clock.now - started < .seconds(2))
        try connection.ping()
    }
}
