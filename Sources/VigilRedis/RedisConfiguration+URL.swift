extension RedisConfiguration {
    /// Parses `redis://[user:password@]host[:port][/db]` or `unix:///path/to.sock[?db=N]`.
    ///
    /// User and password may be percent-encoded. Omitted parts (port, database,
    /// timeouts) keep the documented defaults.
    /// Errors name the part that is wrong and never repeat the password.
    public init(url: String) throws(RedisError) {
        self.init()
        if let rest = url.dropPrefix("redis://") {
            try parseTCP(rest)
        } else if let rest = url.dropPrefix("unix://") {
            try parseUnix(rest)
        } else if url.hasPrefix("rediss://") {
            throw .configuration("Redis URL scheme 'rediss' (TLS) is not supported by this client; use redis:// or unix://")
        } else {
            let scheme = url.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            throw .configuration("Redis URL scheme '\(scheme)' is not supported; use redis:// or unix://")
        }
        try validate()
    }

    private mutating func parseTCP(_ rest: Substring) throws(RedisError) {
        var rest = rest
        if rest.contains("?") {
            // The query is not echoed: people put passwords there.
            throw .configuration("Redis URL query parameters are not supported for redis:// URLs")
        }
        // The last '@' ends the credentials: a raw '@' may appear in an unencoded password.
        if let at = rest.lastIndex(of: "@") {
            try parseCredentials(rest[..<at])
            rest = rest[rest.index(after: at)...]
        }
        let authority: Substring
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            let db = rest[rest.index(after: slash)...]
            if !db.isEmpty { database = try Self.parseDatabase(db) }
        } else {
            authority = rest
        }
        try parseHostPort(authority)
    }

    private mutating func parseHostPort(_ authority: Substring) throws(RedisError) {
        var hostPart = authority
        var portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw .configuration("Redis URL host '\(authority)' has an unclosed '[' (IPv6 literal)")
            }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else {
                    throw .configuration("Redis URL host '\(authority)' has text after ']' that is not ':port'")
                }
                portPart = after.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        }
        guard !hostPart.isEmpty else { throw .configuration("Redis URL has no host") }
        host = String(hostPart)
        if let portPart {
            guard let value = Int(portPart), (1...65535).contains(value) else {
                throw .configuration("Redis URL port '\(portPart)' is not a number in 1...65535")
            }
            port = value
        }
    }

    private mutating func parseCredentials(_ userInfo: Substring) throws(RedisError) {
        let user: Substring
        var pass: Substring?
        if let colon = userInfo.firstIndex(of: ":") {
            user = userInfo[..<colon]
            pass = userInfo[userInfo.index(after: colon)...]
        } else {
            user = userInfo
        }
        if !user.isEmpty {
            guard let decoded = user.percentDecoded() else {
                throw .configuration("Redis URL user name has an invalid percent-escape")
            }
            username = decoded
        }
        if let pass, !pass.isEmpty {
            guard let decoded = pass.percentDecoded() else {
                throw .configuration("Redis URL password has an invalid percent-escape")
            }
            password = decoded
        }
    }

    private mutating func parseUnix(_ rest: Substring) throws(RedisError) {
        var path = rest
        if let q = rest.firstIndex(of: "?") {
            path = rest[..<q]
            for item in rest[rest.index(after: q)...].split(separator: "&") {
                let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard pair.count == 2, pair[0] == "db" else {
                    throw .configuration("Redis URL query parameter '\(pair[0])' is not supported; only 'db'")
                }
                database = try Self.parseDatabase(pair[1])
            }
        }
        guard path.hasPrefix("/") else {
            throw .configuration("Redis unix URL path '\(path)' must be absolute (unix:///path/to.sock)")
        }
        unixSocketPath = path.percentDecoded() ?? String(path)
    }

    private static func parseDatabase(_ text: Substring) throws(RedisError) -> Int {
        guard let value = Int(text), value >= 0 else {
            throw .configuration("Redis URL database '\(text)' is not a non-negative integer")
        }
        return value
    }
}

extension String {
    fileprivate func dropPrefix(_ prefix: String) -> Substring? {
        hasPrefix(prefix) ? self[index(startIndex, offsetBy: prefix.count)...] : nil
    }
}

extension Substring {
    /// Decodes `%XX` escapes; `nil` when an escape is malformed or the result is not UTF-8.
    fileprivate func percentDecoded() -> String? {
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(Self.hexValue),
                  let low = iterator.next().flatMap(Self.hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
