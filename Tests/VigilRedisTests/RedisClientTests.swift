import Dispatch
import Synchronization
import Testing
import VigilRedis

@Suite struct RedisClientTests {
    @Test func hundredConcurrentTasksShareASmallPool() async throws {
        let client = try RedisClient(configuration: TestRedis.configuration(), poolSize: 4)
        let counter = RedisArgument(TestRedis.key("pool-counter"))
        let prefix = TestRedis.key("pool-task")
        let seenIDs = try await withThrowingTaskGroup(of: (Int, String?, Int64?).self) { group in
            for task in 0..<100 {
                group.addTask {
                    try await client.withConnection { connection in
                        let own = RedisArgument("\(prefix):\(task)")
                        let replies = try connection.pipeline([
                            ["SET", own, RedisArgument("value-\(task)")], ["GET", own], ["INCR", counter], ["CLIENT", "ID"],
                        ])
                        return (task, replies[1].string, replies[3].int)
                    }
                }
            }
            var ids: Set<Int64> = []
            for try await (task, value, id) in group {
                #expect(value == "value-\(task)")
                if let id { ids.insert(id) }
            }
            return ids
        }
        #expect(try await client.withConnection { try $0.command(["GET", counter]).int } == 100)
        #expect(seenIDs.count <= 4)
        try await client.withConnection { connection in
            _ = try connection.command(["DEL", counter] + (0..<100).map { RedisArgument("\(prefix):\($0)") })
        }
        client.close()
    }

    @Test func blockingThreadsShareThePool() throws {
        let client = try RedisClient(configuration: TestRedis.configuration(), poolSize: 2)
        let counter = RedisArgument(TestRedis.key("threads"))
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 40) { _ in
            do {
                _ = try client.withConnection { try $0.command(["INCR", counter]) }
            } catch {
                failures.add(1, ordering: .relaxed)
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(try client.withConnection { try $0.command(["GET", counter]).int } == 40)
        try client.withConnection { _ = try $0.command(["DEL", counter]) }
    }

    @Test func brokenConnectionIsReplaced() async throws {
        let client = try RedisClient(configuration: TestRedis.configuration(), poolSize: 1)
        let killer = try TestRedis.connect()
        let firstID = try await client.withConnection { try $0.command(["CLIENT", "ID"]).int }
        _ = try killer.command(["CLIENT", "KILL", "ID", RedisArgument(try #require(firstID))])

        await #expect(throws: RedisError.self) {
            try await client.withConnection { try $0.command(["PING"]) }
        }
        let secondID = try await client.withConnection { try $0.command(["CLIENT", "ID"]).int }
        #expect(secondID != nil && secondID != firstID)
        try await client.ping()
    }

    @Test func closedClientRefusesLeases() async throws {
        let client = try RedisClient(configuration: TestRedis.configuration(), poolSize: 1)
        try await client.ping()
        client.close()
        client.close()
        #expect(throws: RedisError.self) { try client.withConnection { _ in () } as Void }
        await #expect(throws: RedisError.self) { try await client.ping() }
    }

    @Test func invalidPoolSizeIsAConfigurationError() throws {
        #expect {
            _ = try RedisClient(configuration: TestRedis.configuration(), poolSize: 0)
        } throws: { error in
            (error as? RedisError)?.code == .configuration
        }
    }
}
