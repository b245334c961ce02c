extension RedisConnection {
    /// Runs `script` with `EVALSHA`; if the server does not have it (`NOSCRIPT`, e.g. after a
    /// restart or `SCRIPT FLUSH`), loads it and runs it again in the same round trip.
    ///
    /// An error raised by the script (or while running it) is thrown as `.script` with the server's text.
    public func evaluate(
        _ script: RedisScript, keys: [RedisArgument] = [], arguments: [RedisArgument] = []
    ) throws -> RedisValue {
        let call = Self.evalsha(script, keys: keys, arguments: arguments)
        var reply = try exchange([call])[0]
        // NOSCRIPT means the script did not run, so running it again is not a repeat. A
        // concurrent SCRIPT FLUSH can empty the cache between load and run: retry a little.
        var rounds = 0
        while reply.isNoScript && rounds < Self.loadRounds {
            rounds += 1
            let replies = try exchange([Self.scriptLoad(script), call])
            try Self.checkLoaded(script, replies[0])
            reply = replies[1]
        }
        if case .error(let text) = reply {
            throw RedisError(code: .script, message: "script \(script.sha1) failed: \(text)", serverMessage: text)
        }
        return reply
    }

    /// Runs `script` once per call, pipelined. Calls answered `NOSCRIPT` are re-run (only those)
    /// after loading the script. Script errors come back as `.error` at that call's position.
    public func evaluateAll(
        _ script: RedisScript, calls: [(keys: [RedisArgument], arguments: [RedisArgument])]
    ) throws -> [RedisValue] {
        try evaluateAll([RedisScriptCalls(script, calls: calls)])[0]
    }

    /// Runs several scripts' calls in one pipelined round trip, in order (all of the first group,
    /// then the second, …), and returns each group's replies. Calls answered `NOSCRIPT` are re-run
    /// (only those, in their order) after loading the scripts they need. Script errors come back as
    /// `.error` at that call's position.
    public func evaluateAll(_ groups: [RedisScriptCalls]) throws -> [[RedisValue]] {
        var commands: [[RedisArgument]] = []
        var scriptOf: [RedisScript] = []
        for group in groups {
            for call in group.calls {
                commands.append(Self.evalsha(group.script, keys: call.keys, arguments: call.arguments))
                scriptOf.append(group.script)
            }
        }
        var replies = commands.isEmpty ? [] : try exchange(commands)
        for _ in 0..<Self.loadRounds {
            let missing = replies.indices.filter { replies[$0].isNoScript }
            guard !missing.isEmpty else { break }
            var needed: [RedisScript] = []
            for index in missing where !needed.contains(scriptOf[index]) { needed.append(scriptOf[index]) }
            let retried = try exchange(needed.map(Self.scriptLoad) + missing.map { commands[$0] })
            for (position, script) in needed.enumerated() { try Self.checkLoaded(script, retried[position]) }
            for (position, index) in missing.enumerated() { replies[index] = retried[needed.count + position] }
        }
        var answers: [[RedisValue]] = []
        var start = 0
        for group in groups {
            answers.append(Array(replies[start..<start + group.calls.count]))
            start += group.calls.count
        }
        return answers
    }

    /// Load-and-run rounds before a persistent `NOSCRIPT` is reported.
    private static var loadRounds: Int { 3 }

    private static func scriptLoad(_ script: RedisScript) -> [RedisArgument] {
        ["SCRIPT", "LOAD", RedisArgument(script.source)]
    }

    private static func evalsha(
        _ script: RedisScript, keys: [RedisArgument], arguments: [RedisArgument]
    ) -> [RedisArgument] {
        ["EVALSHA", RedisArgument(script.sha1), RedisArgument(keys.count)] + keys + arguments
    }

    private static func checkLoaded(_ script: RedisScript, _ reply: RedisValue) throws(RedisError) {
        if case .error(let text) = reply {
            throw RedisError(code: .script, message: "loading script \(script.sha1) failed: \(text)", serverMessage: text)
        }
        guard reply.string == script.sha1 else {
            throw RedisError(
                code: .script,
                message: "server named script \(script.sha1) as \(reply.string ?? "?"); local SHA-1 disagrees")
        }
    }
}

/// One script and its calls, for `RedisConnection.evaluateAll(_:)`, which pipelines several scripts.
public struct RedisScriptCalls: Sendable {
    /// The script.
    public var script: RedisScript
    /// Its calls: keys and arguments of each `EVALSHA`.
    public var calls: [(keys: [RedisArgument], arguments: [RedisArgument])]

    /// Creates a group.
    public init(_ script: RedisScript, calls: [(keys: [RedisArgument], arguments: [RedisArgument])]) {
        self.script = script
        self.calls = calls
    }
}

extension RedisValue {
    fileprivate var isNoScript: Bool { errorMessage?.hasPrefix("NOSCRIPT") == true }
}
