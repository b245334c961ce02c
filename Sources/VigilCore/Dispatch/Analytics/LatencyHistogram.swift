import Foundation

/// Fixed log-scale buckets for durations, so per-minute latency samples can be kept as counters
/// (Redis HINCRBY) and merged across minutes and instances by adding. Bucket `i` holds durations
/// in [base·g^i, base·g^(i+1)) with base 0.1 s and g = 1.1; a percentile is reported as the
/// geometric middle of its bucket, so its relative error is at most √1.1 − 1 ≈ 4.9%.
/// Durations under 0.1 s fall in bucket 0; over about 8 days in the last bucket.
public enum LatencyHistogram {
    /// Lower edge of bucket 0, seconds.
    public static let base = 0.1
    /// Ratio between successive bucket edges.
    public static let growth = 1.1
    /// Number of buckets (up to ~8.6 days).
    public static let bucketCount = 170

    /// The bucket of a duration in seconds.
    public static func bucket(of seconds: Double) -> Int {
        guard seconds > base else { return 0 }
        return min(bucketCount - 1, Int((log(seconds / base) / log(growth)).rounded(.down)))
    }

    /// The value reported for a bucket: the geometric middle of its edges.
    public static func representative(of bucket: Int) -> Double {
        base * pow(growth, Double(bucket) + 0.5)
    }

    /// Nearest-rank percentile (`p` in 0...100) from bucket counts; nil when empty.
    public static func percentile(_ counts: [Int: Int64], _ p: Double) -> Double? {
        let total = counts.values.reduce(0, +)
        guard total > 0 else { return nil }
        let rank = max(1, Int64((p / 100 * Double(total)).rounded(.up)))
        var seen: Int64 = 0
        for bucket in counts.keys.sorted() {
            seen += counts[bucket] ?? 0
            if seen >= rank { return representative(of: bucket) }
        }
        return counts.keys.max().map(representative(of:))
    }
}
