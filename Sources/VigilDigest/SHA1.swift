/// SHA-1 (FIPS 180-4). Used to name Lua scripts the way Redis does (`EVALSHA`) and to derive
/// name-based (version 5) UUIDs; never for anything security-related.
///
/// Every decision and feature write derives several ids, so this runs on the hot path: the input
/// is read in place (only the padded tail is copied), the message schedule lives in one stack
/// buffer, and the four round kinds are separate loops.
public enum SHA1 {
    /// The 40 lowercase hex digits of the digest of `bytes`.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digest = hash(bytes)
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 40) { out in
            digits.withUTF8Buffer { digits in
                for (index, byte) in digest.enumerated() {
                    out[2 * index] = digits[Int(byte >> 4)]
                    out[2 * index + 1] = digits[Int(byte & 0x0F)]
                }
            }
            return 40
        }
    }

    /// The 20-byte digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var state: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0)
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { words in
            bytes.withUnsafeBufferPointer { input in
                let whole = input.count / 64 * 64
                var offset = 0
                while offset < whole {
                    compress(&state, UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(input)[offset..<(offset + 64)]), words)
                    offset += 64
                }
                // The rest, 0x80, zeros and the 64-bit big-endian bit length: one or two blocks.
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
                    let rest = input.count - whole
                    for index in 0..<rest { tail[index] = input[whole + index] }
                    tail[rest] = 0x80
                    let blocks = rest + 1 + 8 <= 64 ? 1 : 2
                    for index in (rest + 1)..<(blocks * 64 - 8) { tail[index] = 0 }
                    let bitLength = UInt64(input.count) &* 8
                    for index in 0..<8 { tail[blocks * 64 - 8 + index] = UInt8(truncatingIfNeeded: bitLength >> UInt64(56 - 8 * index)) }
                    let raw = UnsafeRawBufferPointer(tail)
                    for block in 0..<blocks {
                        compress(&state, UnsafeRawBufferPointer(rebasing: raw[(block * 64)..<(block * 64 + 64)]), words)
                    }
                }
            }
        }
        var digest: [UInt8] = []
        digest.reserveCapacity(20)
        for word in [state.0, state.1, state.2, state.3, state.4] {
            digest.append(UInt8(truncatingIfNeeded: word >> 24))
            digest.append(UInt8(truncatingIfNeeded: word >> 16))
            digest.append(UInt8(truncatingIfNeeded: word >> 8))
            digest.append(UInt8(truncatingIfNeeded: word))
        }
        return digest
    }

    /// One 64-byte block into `state`, with `words` (80 entries) as scratch.
    private static func compress(
        _ state: inout (UInt32, UInt32, UInt32, UInt32, UInt32), _ block: UnsafeRawBufferPointer, _ words: UnsafeMutableBufferPointer<UInt32>
    ) {
        for index in 0..<16 {
            let base = index * 4
            words[index] = UInt32(block[base]) << 24 | UInt32(block[base + 1]) << 16 | UInt32(block[base + 2]) << 8 | UInt32(block[base + 3])
        }
        for index in 16..<80 {
            words[index] = (words[index - 3] ^ words[index - 8] ^ words[index - 14] ^ words[index - 16]).rotatedLeft(by: 1)
        }
        var (a, b, c, d, e) = state
        @inline(__always) func round(_ f: UInt32, _ k: UInt32, _ word: UInt32) {
            let next = a.rotatedLeft(by: 5) &+ f &+ e &+ k &+ word
            (e, d, c, b, a) = (d, c, b.rotatedLeft(by: 30), a, next)
        }
        for index in 0..<20 { round((b & c) | (~b & d), 0x5A82_7999, words[index]) }
        for index in 20..<40 { round(b ^ c ^ d, 0x6ED9_EBA1, words[index]) }
        for index in 40..<60 { round((b & c) | (b & d) | (c & d), 0x8F1B_BCDC, words[index]) }
        for index in 60..<80 { round(b ^ c ^ d, 0xCA62_C1D6, words[index]) }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e)
    }
}

extension UInt32 {
    fileprivate func rotatedLeft(by count: UInt32) -> UInt32 { self << count | self >> (32 - count) }
}
